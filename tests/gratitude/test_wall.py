"""The wall: approved posts only, filters, search, sorting, hearts, share links, the
archive, print and PDF — with the same number of queries for 1 post or 30 (or 2,000)."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from gratitude.models import Post, Reaction
from tests import factories
from tests.pdfs import pdf_language, pdf_structure, pdf_text, untagged_words
from trec import visitors

from .conftest import make_post, make_wall

pytestmark = pytest.mark.django_db

# wall, partners, count, page of posts, districts, schools  (+ hearts for a returning
# browser, known by its device cookie, no session; + user, groups, pending count for a
# moderator)
ANONYMOUS_QUERIES = 6
RETURNING_QUERIES = 7


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def cards(response):
    return soup_of(response).select("li.post-card article")


def test_only_approved_posts_show_each_as_an_article_with_heading_and_author(client, wall):
    make_post(wall, recipient_name="Ms. Rivera", author_name="The Lopez family")
    for status in [Post.Status.PENDING, Post.Status.REJECTED, Post.Status.HIDDEN]:
        make_post(wall, recipient_name=f"Hidden {status}", status=status)
    response = client.get(wall.get_absolute_url())
    assert response.status_code == 200
    found = cards(response)
    assert len(found) == 1
    article = found[0]
    heading = article.find("h3")
    assert heading.get_text(strip=True) == "To Ms. Rivera"
    assert article["aria-labelledby"] == heading["id"]
    assert "From The Lopez family" in article.get_text()
    assert len(soup_of(response).find_all("h1")) == 1


def test_the_recipient_email_is_never_shown(client, wall):
    make_post(wall, recipient_email="rivera@school.example.org")
    for page in [wall.get_absolute_url(), reverse("gratitude:print", args=[wall.slug])]:
        assert "rivera@school.example.org" not in client.get(page).content.decode()


@pytest.mark.parametrize("count", [1, 30])
def test_wall_queries_are_fixed_for_a_new_visitor(client, wall, count, django_assert_num_queries):
    """Guards the N+1s a card could cause: district per card, heart count per card."""
    district = factories.DistrictFactory()
    for n in range(count):
        make_post(wall, recipient_name=f"Teacher {n}", recipient_district=district, heart_count=n)
    with django_assert_num_queries(ANONYMOUS_QUERIES):
        response = client.get(wall.get_absolute_url())
    assert len(cards(response)) == min(count, 24)


@pytest.mark.parametrize("count", [1, 30])
def test_wall_queries_are_fixed_for_a_browser_with_hearts(
    client, wall, count, django_assert_num_queries
):
    """The viewer's own hearts on a page are one query, not one per card."""
    posts = [make_post(wall, recipient_name=f"Teacher {n}") for n in range(count)]
    client.get(wall.get_absolute_url())  # the browser's device cookie comes with the page
    client.post(reverse("gratitude:heart", args=[wall.slug, posts[0].pk]))
    with django_assert_num_queries(RETURNING_QUERIES):
        response = client.get(wall.get_absolute_url())
    assert len(cards(response)) == min(count, 24)


def test_2000_posts_are_paged_24_at_a_time(client, wall, django_assert_num_queries):
    Post.objects.bulk_create(
        Post(wall=wall, message="Thank you!", recipient_name=f"Teacher {n}", status="approved")
        for n in range(2000)
    )
    with django_assert_num_queries(ANONYMOUS_QUERIES):
        response = client.get(wall.get_absolute_url() + "?page=40")
    assert len(cards(response)) == 24
    assert "2000 messages of thanks" in response.content.decode()
    assert (
        soup_of(response)
        .select_one(".pagination [aria-current=page]")
        .get_text(strip=True)
        .endswith("40")
    )


def test_search_filters_and_sorting(client, wall):
    tusd = factories.DistrictFactory(name="Tucson Unified")
    make_post(
        wall,
        recipient_name="Coach Yazzie",
        message="Thank you for the garden club.",
        recipient_school="Doolen Middle School",
        recipient_district=tusd,
        heart_count=1,
    )
    make_post(
        wall,
        recipient_name="Mr. Chen",
        message="Math finally makes sense.",
        recipient_school="Pueblo High School",
        heart_count=9,
    )
    url = wall.get_absolute_url()

    def names(query):
        return [a.find("h3").get_text(strip=True) for a in cards(client.get(url + query))]

    assert names("") == ["To Mr. Chen", "To Coach Yazzie"]
    assert names("?sort=loved") == ["To Mr. Chen", "To Coach Yazzie"]
    assert names("?q=garden") == ["To Coach Yazzie"]
    assert names("?q=math+sense") == ["To Mr. Chen"]
    assert names(f"?district={tusd.pk}") == ["To Coach Yazzie"]
    assert names("?school=pueblo+high+school") == ["To Mr. Chen"]
    assert names("?q=nothing-like-this") == []
    page = soup_of(client.get(url))
    assert [o.get_text() for o in page.select("#wall-school option")][1:] == [
        "Doolen Middle School",
        "Pueblo High School",
    ]


def test_most_loved_first(client, wall):
    make_post(wall, recipient_name="Few", heart_count=1)
    make_post(wall, recipient_name="Many", heart_count=12)
    make_post(wall, recipient_name="Some", heart_count=5)
    got = [
        a.find("h3").get_text(strip=True)
        for a in cards(client.get(wall.get_absolute_url() + "?sort=loved"))
    ]
    assert got == ["To Many", "To Some", "To Few"]


def test_a_heart_is_one_per_browser_and_can_be_taken_back(client, wall):
    post = make_post(wall)
    heart = reverse("gratitude:heart", args=[wall.slug, post.pk])
    client.get(wall.get_absolute_url())  # the browser's device cookie comes with the page
    response = client.post(heart, {"next": wall.get_absolute_url() + "?sort=loved"})
    assert response["Location"] == f"{wall.get_absolute_url()}?sort=loved#post-{post.pk}"
    post.refresh_from_db()
    assert post.heart_count == 1 and Reaction.objects.count() == 1
    button = soup_of(client.get(wall.get_absolute_url())).select_one(".heart-button")
    assert button["aria-pressed"] == "true"
    client.post(heart)  # again: taken back
    post.refresh_from_db()
    assert post.heart_count == 0 and not Reaction.objects.exists()
    other = client_class_for(client)  # another browser on the same network
    other.get(wall.get_absolute_url())
    other.post(heart)
    client.post(heart)
    post.refresh_from_db()
    assert post.heart_count == 2 and Reaction.objects.count() == 2


def client_class_for(client):
    return client.__class__()


def test_a_heart_from_an_account_counts_once_across_browsers(client, wall, educator):
    post = make_post(wall)
    heart = reverse("gratitude:heart", args=[wall.slug, post.pk])
    client.force_login(educator)
    client.post(heart)
    second = client_class_for(client)
    second.force_login(educator)
    second.post(heart)  # the same person from a phone: takes it back, never counts twice
    post.refresh_from_db()
    assert post.heart_count == 0


def test_heart_refuses_an_outside_next_and_unapproved_posts(client, wall):
    post = make_post(wall)
    response = client.post(
        reverse("gratitude:heart", args=[wall.slug, post.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == f"{wall.get_absolute_url()}#post-{post.pk}"
    pending = make_post(wall, status=Post.Status.PENDING)
    assert client.post(reverse("gratitude:heart", args=[wall.slug, pending.pk])).status_code == 404


def test_share_link_shows_one_approved_post(client, wall):
    post = make_post(wall, recipient_name="Ms. Rivera")
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    page = soup_of(response)
    assert page.find("input", id="share-url")["value"].endswith(post.get_absolute_url())
    assert len(page.find_all("h1")) == 1
    hidden = make_post(wall, status=Post.Status.HIDDEN)
    assert client.get(hidden.get_absolute_url()).status_code == 404


XSS = [
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "</article></li></ol><h1>broken</h1>",
    "javascript:alert(1)",
    "A" * 300,
]


def test_xss_payloads_are_escaped_everywhere(client, wall, coordinator):
    for payload in XSS:
        make_post(
            wall,
            message=payload,
            recipient_name=payload[:120],
            author_name=payload[:120],
            recipient_school=payload[:150],
            status=Post.Status.APPROVED,
        )
        make_post(wall, message=payload, recipient_name=payload[:120], status=Post.Status.PENDING)
    client.force_login(coordinator)
    pages = [
        wall.get_absolute_url(),
        reverse("gratitude:print", args=[wall.slug]),
        reverse("gratitude:moderate", args=[wall.slug]),
        Post.objects.filter(status="approved").first().get_absolute_url(),
    ]
    for page in pages:
        response = client.get(page)
        html = response.content.decode()
        assert "<script>alert" not in html, page
        assert "<img src=x" not in html, page
        assert "<h1>broken</h1>" not in html, page
        soup = soup_of(response)
        assert len(soup.find_all("h1")) == 1, page
        assert not soup.select("[onerror]"), page
    wall_page = soup_of(client.get(wall.get_absolute_url()))
    assert len(wall_page.select("li.post-card")) == len(XSS)  # nothing broke out of its card


def test_the_archive_lists_open_and_past_walls_not_upcoming(client):
    today = timezone.localdate()
    make_wall(title="Open wall", slug="open")
    make_wall(
        title="December 2022",
        slug="december-2022",
        opens_on=datetime.date(2022, 12, 1),
        closes_on=datetime.date(2022, 12, 31),
    )
    upcoming = make_wall(
        title="Next spring",
        slug="next",
        opens_on=today + datetime.timedelta(days=60),
        closes_on=today + datetime.timedelta(days=90),
    )
    page = client.get(reverse("gratitude:walls")).content.decode()
    assert "Open wall" in page and "December 2022" in page and "Next spring" not in page
    assert client.get(upcoming.get_absolute_url()).status_code == 404


def test_a_past_wall_is_readable_and_says_it_is_closed(client):
    wall = make_wall(
        slug="december-2022",
        opens_on=datetime.date(2022, 12, 1),
        closes_on=datetime.date(2022, 12, 31),
    )
    make_post(wall)
    response = client.get(wall.get_absolute_url())
    assert response.status_code == 200
    assert "Write a thank-you" not in response.content.decode()
    assert "Archive" in response.content.decode()


def test_print_view_and_pdf_hold_every_approved_post(client, wall, django_assert_max_num_queries):
    for n in range(40):
        make_post(
            wall, recipient_name=f"Teacher {n}", message="Gracias por todo — “thank you” ♥ 🎉"
        )
    make_post(wall, recipient_name="Not approved", status=Post.Status.PENDING)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("gratitude:print", args=[wall.slug]))
    page = soup_of(response)
    assert len(page.select(".print-post")) == 40
    assert "Not approved" not in response.content.decode()
    pdf = client.get(reverse("gratitude:pdf", args=[wall.slug]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="{wall.slug}.pdf"'
    assert pdf.content.startswith(b"%PDF")
    text = pdf_text(pdf.content)
    assert "To Teacher 39" in text and "Not approved" not in text
    # Every letter and symbol as written; the emoji no font has becomes a visible box.
    assert text.count("Gracias por todo — “thank you” ♥ \u25a1") == 40
    # Tagged: the wall's title is the heading, each card a heading and its paragraphs,
    # across every page, in the reader's language.
    structure = pdf_structure(pdf.content)
    assert structure.tagged and structure.has_root and pdf_language(pdf.content) == "en"
    assert structure.elements[0] == ("H1", wall.title)
    assert [text for kind, text in structure.elements if kind == "H2"][-1] == "To Teacher 39"
    assert untagged_words(pdf.content) == []
    spanish = client.get(reverse("gratitude:pdf", args=[wall.slug]), HTTP_ACCEPT_LANGUAGE="es")
    assert pdf_language(spanish.content) == "es"
    assert ("H2", "Para Teacher 39") in pdf_structure(spanish.content).elements


def test_home_shows_the_open_wall(client, wall):
    page = client.get("/").content.decode()
    assert wall.get_absolute_url() in page
    assert reverse("gratitude:post", args=[wall.slug]) in page


def test_cookieless_hearts_count_once_a_day(client, wall):
    """25 requests that never keep a cookie: the first heart counts, the 2nd..25th add
    nothing (they are the same address today)."""
    post = make_post(wall)
    heart = reverse("gratitude:heart", args=[wall.slug, post.pk])
    counts = []
    for _ in range(25):
        client.cookies.clear()
        assert client.post(heart).status_code == 302
        post.refresh_from_db()
        counts.append(post.heart_count)
    assert counts[0] == 1 and max(counts) == 1
    assert post.heart_count == Reaction.objects.filter(post=post).count()


def test_a_fresh_device_cookie_for_every_heart_is_held_back_by_the_rate_limit(client, wall):
    """A script that loads the page for a new device cookie before every heart gets
    LIMIT_PER_IP hearts from one address, then none."""
    post = make_post(wall)
    heart = reverse("gratitude:heart", args=[wall.slug, post.pk])
    for _ in range(visitors.LIMIT_PER_IP + 5):
        client.cookies.clear()
        client.get(wall.get_absolute_url())
        response = client.post(heart, follow=True)
    assert "Many hearts have come from your network" in response.content.decode()
    post.refresh_from_db()
    assert post.heart_count == visitors.LIMIT_PER_IP
