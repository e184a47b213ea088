"""The discussion board in a community's member space: threads and replies for members,
facilitators and coordinators only; sanitised Markdown; authors edit and delete their
own posts; facilitators and coordinators hide posts."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from communities import services
from communities.models import Community, Membership, Post, Thread
from tests.factories import CoordinatorFactory, EducatorFactory

from .factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db
Status = Membership.Status


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


@pytest.fixture
def cohort():
    facilitator = EducatorFactory(first_name="Fran", last_name="Facil")
    community = CommunityFactory(title="Equitable Grading", facilitators=[facilitator])
    member = MembershipFactory(community=community).user
    other = MembershipFactory(community=community).user
    return community, facilitator, member, other


def board_url(community):
    return reverse("communities:board", args=[community.slug])


def test_member_starts_a_thread_and_another_replies(client, cohort):
    community, _facilitator, member, other = cohort
    client.force_login(member)
    response = client.post(
        board_url(community), {"title": "Retakes", "body": "Do you allow **retakes**?"}
    )
    thread = Thread.objects.get()
    assert response["Location"] == thread.get_absolute_url()
    client.force_login(other)
    response = client.post(thread.get_absolute_url(), {"body": "Yes, *always*."})
    reply = Post.objects.latest("pk")
    assert response["Location"].endswith(f"#post-{reply.pk}")
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "<strong>retakes</strong>" in html and "<em>always</em>" in html
    board = text(client.get(board_url(community)))
    assert "Retakes" in board and "2 posts" in board


def test_markdown_is_sanitised(client, cohort):
    community, _facilitator, member, _other = cohort
    thread = services.thread_start(
        community=community,
        author=member,
        title="Links",
        body='<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror="alert(1)">',
    )
    client.force_login(member)
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "javascript:alert" not in html
    assert "onerror" not in html


def test_invalid_posts_are_refused_with_the_form(client, cohort):
    community, _facilitator, member, _other = cohort
    client.force_login(member)
    assert client.post(board_url(community), {"title": "", "body": "x"}).status_code == 400
    thread = services.thread_start(community=community, author=member, title="T", body="B")
    assert client.post(thread.get_absolute_url(), {"body": ""}).status_code == 400
    assert Post.objects.count() == 1


def test_author_edits_their_post_and_title_but_not_someone_elses(client, cohort):
    community, _facilitator, member, other = cohort
    thread = services.thread_start(community=community, author=member, title="Old", body="One")
    reply = services.post_reply(thread=thread, author=other, body="Two")
    first = thread.posts.order_by("pk").first()
    client.force_login(member)
    edit = reverse("communities:post_edit", args=[community.slug, first.pk])
    assert client.get(edit).status_code == 200
    client.post(edit, {"title": "New title", "body": "One, edited"})
    first.refresh_from_db()
    thread.refresh_from_db()
    assert first.body == "One, edited" and first.edited_at and thread.title == "New title"
    assert "edited" in text(client.get(thread.get_absolute_url()))
    theirs = reverse("communities:post_edit", args=[community.slug, reply.pk])
    assert client.get(theirs).status_code == 403
    assert client.post(theirs, {"body": "Hacked"}).status_code == 403
    reply.refresh_from_db()
    assert reply.body == "Two"
    # A reply's edit form has no title.
    client.force_login(other)
    soup = BeautifulSoup(client.get(theirs).content, "html.parser")
    assert soup.find("input", {"name": "title"}) is None


def test_author_deletes_their_post_others_cannot(client, cohort):
    community, facilitator, member, other = cohort
    thread = services.thread_start(community=community, author=member, title="T", body="Mine")
    reply = services.post_reply(thread=thread, author=other, body="Their words")
    client.force_login(member)
    delete = reverse("communities:post_delete", args=[community.slug, reply.pk])
    assert client.post(delete).status_code == 403
    client.force_login(facilitator)
    assert client.post(delete).status_code == 403  # facilitators hide, they do not delete
    client.force_login(other)
    assert client.post(delete)["Location"] == thread.get_absolute_url()
    reply.refresh_from_db()
    assert reply.is_deleted and reply.body == ""
    page = text(client.get(thread.get_absolute_url()))
    assert "This post was deleted by its author." in page and "Their words" not in page
    # Deleting the last remaining post removes the thread.
    client.force_login(member)
    first = thread.posts.order_by("pk").first()
    response = client.post(reverse("communities:post_delete", args=[community.slug, first.pk]))
    assert response["Location"] == board_url(community)
    assert not Thread.objects.exists()


@pytest.mark.parametrize("moderator", ["facilitator", "coordinator"])
def test_facilitators_and_coordinators_hide_and_show_posts(client, cohort, moderator):
    community, facilitator, member, other = cohort
    person = facilitator if moderator == "facilitator" else CoordinatorFactory()
    thread = services.thread_start(community=community, author=member, title="T", body="Fine")
    reply = services.post_reply(thread=thread, author=other, body="Off-topic advert")
    hide = reverse("communities:post_hide", args=[community.slug, reply.pk])
    client.force_login(person)
    client.post(hide, {"hidden": "1"})
    reply.refresh_from_db()
    assert reply.is_hidden and reply.hidden_by == person
    assert "Off-topic advert" in text(client.get(thread.get_absolute_url()))  # managers see it
    client.force_login(member)
    page = text(client.get(thread.get_absolute_url()))
    assert "This post was hidden by a facilitator." in page
    assert "Off-topic advert" not in page
    client.force_login(person)
    client.post(hide, {"hidden": "0"})
    reply.refresh_from_db()
    assert not reply.is_hidden


def test_members_cannot_hide_posts(client, cohort):
    community, _facilitator, member, other = cohort
    thread = services.thread_start(community=community, author=other, title="T", body="B")
    post = thread.posts.get()
    client.force_login(member)
    assert (
        client.post(reverse("communities:post_hide", args=[community.slug, post.pk])).status_code
        == 403
    )
    post.refresh_from_db()
    assert not post.is_hidden


def test_a_post_of_another_community_is_not_found_here(client, cohort):
    community, facilitator, _member, _other = cohort
    elsewhere = MembershipFactory()
    thread = services.thread_start(
        community=elsewhere.community, author=elsewhere.user, title="T", body="B"
    )
    post = thread.posts.get()
    client.force_login(facilitator)
    hide = reverse("communities:post_hide", args=[community.slug, post.pk])
    assert client.post(hide).status_code == 404
    other_thread = reverse("communities:thread", args=[community.slug, thread.pk])
    assert client.get(other_thread).status_code == 404


# --- Permission walk ---------------------------------------------------------------------

ROLES = [
    "anonymous",
    "educator",
    "applicant",
    "waitlisted",
    "former_member",
    "member",
    "facilitator",
    "other_facilitator",
    "coordinator",
]
LOGIN = "login"
READERS = {
    "anonymous": LOGIN,
    "educator": 403,
    "applicant": 403,
    "waitlisted": 403,
    "former_member": 403,
    "member": 200,
    "facilitator": 200,
    "other_facilitator": 403,
    "coordinator": 200,
}


@pytest.fixture
def world(cohort):
    community, facilitator, member, _other = cohort
    other_facilitator = EducatorFactory()
    CommunityFactory(title="Their Community", facilitators=[other_facilitator])
    people = {
        "anonymous": None,
        "educator": EducatorFactory(),
        "member": member,
        "facilitator": facilitator,
        "other_facilitator": other_facilitator,
        "coordinator": CoordinatorFactory(),
    }
    for role, status in (
        ("applicant", Status.APPLIED),
        ("waitlisted", Status.WAITLISTED),
        ("former_member", Status.WITHDRAWN),
    ):
        people[role] = MembershipFactory(community=community, status=status).user
    thread = services.thread_start(community=community, author=member, title="T", body="B")
    return community, people, thread


def answer(response):
    if response.status_code == 302 and "login" in response["Location"]:
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_board_permission_walk(client, world, role):
    community, people, thread = world
    if people[role] is not None:
        client.force_login(people[role])
    post = thread.posts.get()
    reads = {
        "board": answer(client.get(board_url(community))),
        "thread": answer(client.get(thread.get_absolute_url())),
    }
    assert reads == dict.fromkeys(reads, READERS[role])
    # Writes: an empty POST is a form error (400) for those who may write.
    writes = {
        "new thread": answer(client.post(board_url(community), {})),
        "reply": answer(client.post(thread.get_absolute_url(), {})),
    }
    expected_write = 400 if READERS[role] == 200 else READERS[role]
    assert writes == dict.fromkeys(writes, expected_write)
    hide = answer(
        client.post(
            reverse("communities:post_hide", args=[community.slug, post.pk]), {"hidden": "0"}
        )
    )
    assert hide == {"facilitator": 302, "coordinator": 302, "member": 403}.get(role, READERS[role])
    edit = answer(client.get(reverse("communities:post_edit", args=[community.slug, post.pk])))
    assert edit == {"member": 200, "facilitator": 403, "coordinator": 403}.get(role, READERS[role])
    assert Thread.objects.count() == 1 and Post.objects.count() == 1


def test_draft_community_board_is_not_found(client, cohort):
    community, _facilitator, member, _other = cohort
    Community.objects.filter(pk=community.pk).update(status=Community.Status.DRAFT)
    client.force_login(member)
    assert client.get(board_url(community)).status_code == 404


def test_member_space_links_to_the_board_for_members_only(client, cohort):
    community, _facilitator, member, _other = cohort
    client.force_login(member)
    assert board_url(community) in client.get(community.get_absolute_url()).content.decode()
    client.force_login(EducatorFactory())
    assert board_url(community) not in client.get(community.get_absolute_url()).content.decode()


# --- Query counts ----------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 20])
def test_board_and_thread_query_counts_are_fixed(client, cohort, django_assert_num_queries, size):
    """Guards against a query per thread or per post (authors, post counts)."""
    community, _facilitator, member, other = cohort
    for n in range(size):
        thread = services.thread_start(
            community=community, author=[member, other][n % 2], title=f"T{n}", body="B"
        )
    for n in range(size - 1):
        services.post_reply(thread=thread, author=[member, other][n % 2], body=f"Answer {n}")
    client.force_login(member)
    # session, user, community, grade bands, facilitators, coordinator group,
    # membership, threads with authors and counts
    with django_assert_num_queries(8):
        assert client.get(board_url(community)).status_code == 200
    # ... then the thread with its author, and the posts with theirs
    with django_assert_num_queries(9):
        response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    assert text(response).count("Answer ") == size - 1
