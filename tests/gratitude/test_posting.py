"""Posting a thank-you: anyone may, the form keeps what was typed, and the spam defences
(honeypot, minimum fill time, rate limits, word list) hold or drop what they should."""

import datetime
import io

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from gratitude import spam
from gratitude.models import Post, Wall
from tests import factories

from .conftest import make_wall, post_data

pytestmark = pytest.mark.django_db


def url(wall):
    return reverse("gratitude:post", args=[wall.slug])


def test_anyone_can_post_and_it_waits_for_review(client, wall):
    response = client.post(url(wall), post_data(), follow=True)
    assert response.redirect_chain[-1][0] == wall.get_absolute_url()
    assert "will appear after review" in response.content.decode()
    post = Post.objects.get()
    assert post.status == Post.Status.PENDING
    assert post.recipient_name == "Mr. Begay" and post.author is None
    assert "robotics club" not in response.content.decode()  # not on the wall yet


def test_the_form_page_is_accessible_and_carries_the_defences(client, wall):
    response = client.get(url(wall))
    soup = BeautifulSoup(response.content, "html.parser")
    assert len(soup.find_all("h1")) == 1
    for name in ["recipient_name", "message", "author_name", "image_alt", "recipient_email"]:
        field = soup.find(attrs={"name": name})
        assert soup.find("label", attrs={"for": field["id"]}), name
    honeypot = soup.find("input", attrs={"name": "website"})
    assert honeypot["tabindex"] == "-1"
    assert honeypot.find_parent(attrs={"aria-hidden": "true"})
    assert soup.find("input", attrs={"name": "started", "type": "hidden"})["value"]


def test_a_failed_form_keeps_what_was_typed_and_ties_errors_to_fields(client, wall):
    data = post_data(recipient_name="", message="Thank you for the owl pellets!")
    response = client.post(url(wall), data)
    assert response.status_code == 400
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("textarea", attrs={"name": "message"}).text.strip() == (
        "Thank you for the owl pellets!"
    )
    assert soup.find("input", attrs={"name": "author_name"})["value"] == "Jayden's mom"
    name = soup.find("input", attrs={"name": "recipient_name"})
    assert name["aria-invalid"] == "true"
    assert soup.find(id=name["aria-describedby"].split()[0])
    assert soup.find(class_="form-errors", attrs={"role": "alert"})
    assert not Post.objects.exists()


def test_a_message_over_the_limit_is_refused(client, wall):
    response = client.post(url(wall), post_data(message="x" * 1001))
    assert response.status_code == 400
    assert not Post.objects.exists()


def png_bytes(size=(2400, 1600), exif=True) -> bytes:
    image = Image.new("RGB", size, (200, 80, 40))
    buffer = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "Phone Maker"  # Make
        image.save(buffer, format="JPEG", exif=data)
    else:
        image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_an_image_needs_alt_text(client, wall):
    upload = SimpleUploadedFile("class.jpg", png_bytes(), content_type="image/jpeg")
    response = client.post(url(wall), {**post_data(), "image": upload})
    assert response.status_code == 400
    assert "Please describe the picture" in response.content.decode()
    assert not Post.objects.exists()


def test_an_image_is_resized_and_stripped_of_metadata(client, wall, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("class.jpg", png_bytes(), content_type="image/jpeg")
    data = {**post_data(image_alt="Our class holding a thank-you banner"), "image": upload}
    client.post(url(wall), data)
    post = Post.objects.get()
    with Image.open(post.image.path) as stored:
        assert max(stored.size) == 1200
        assert not stored.getexif()
    assert post.image_alt == "Our class holding a thank-you banner"


def test_a_file_that_is_not_an_image_is_refused(client, wall):
    upload = SimpleUploadedFile("virus.jpg", b"MZ\x90\x00not an image", content_type="image/jpeg")
    response = client.post(url(wall), {**post_data(image_alt="x"), "image": upload})
    assert response.status_code == 400
    assert not Post.objects.exists()


def test_the_honeypot_drops_the_post_but_answers_like_a_success(client, wall):
    response = client.post(url(wall), post_data(website="http://spam.example"), follow=True)
    assert "will appear after review" in response.content.decode()
    assert not Post.objects.exists()


def test_a_form_sent_faster_than_a_person_can_type_is_dropped(client, wall):
    response = client.post(url(wall), post_data(started=spam.form_stamp()), follow=True)
    assert "will appear after review" in response.content.decode()
    assert not Post.objects.exists()


def test_a_missing_or_forged_stamp_asks_to_send_again_and_keeps_the_text(client, wall):
    response = client.post(url(wall), post_data(started="1700000000:forged"))
    assert response.status_code == 400
    assert "open for too long" in response.content.decode()
    assert "robotics club" in response.content.decode()
    assert not Post.objects.exists()


def test_rate_limit_per_session(client, wall):
    for _ in range(spam.RATE_LIMIT_PER_SESSION):
        assert client.post(url(wall), post_data()).status_code == 302
    response = client.post(url(wall), post_data(message="One more thank-you, please."))
    assert response.status_code == 429
    assert "several thank-yous in a short time" in response.content.decode()
    assert "One more thank-you, please." in response.content.decode()  # kept
    assert Post.objects.count() == spam.RATE_LIMIT_PER_SESSION


def test_rate_limit_per_ip_across_sessions(client, wall, settings):
    for n in range(spam.RATE_LIMIT_PER_IP):
        client.cookies.clear()  # a new browser each time, same school network
        assert client.post(url(wall), post_data(), REMOTE_ADDR="203.0.113.7").status_code == 302, n
    client.cookies.clear()
    assert client.post(url(wall), post_data(), REMOTE_ADDR="203.0.113.7").status_code == 429
    client.cookies.clear()
    assert client.post(url(wall), post_data(), REMOTE_ADDR="198.51.100.9").status_code == 302


@pytest.mark.parametrize(
    "message, reason",
    [
        ("Best teacher! Visit www.cheap-essays.biz", "contains a link"),
        ("You are a stupid teacher", "word list: stupid"),
        ("Great prices on CASINO chips", "word list: casino"),
    ],
)
def test_the_word_list_holds_a_post_even_from_a_trusted_account(client, message, reason):
    wall = make_wall(moderation=Wall.Moderation.TRUST_VERIFIED)
    client.force_login(factories.EducatorFactory())
    client.post(url(wall), post_data(message=message))
    post = Post.objects.get()
    assert post.status == Post.Status.PENDING
    assert post.held_reason == reason


def test_a_verified_account_posts_at_once_on_a_trusting_wall(client, educator):
    wall = make_wall(moderation=Wall.Moderation.TRUST_VERIFIED)
    client.force_login(educator)
    response = client.post(url(wall), post_data(), follow=True)
    post = Post.objects.get()
    assert post.status == Post.Status.APPROVED and post.author == educator
    assert "is on the wall" in response.content.decode()
    assert "robotics club" in response.content.decode()


def test_a_verified_account_still_waits_on_a_review_all_wall(client, educator, wall):
    client.force_login(educator)
    client.post(url(wall), post_data())
    assert Post.objects.get().status == Post.Status.PENDING


def test_an_unverified_account_waits_on_a_trusting_wall(client):
    wall = make_wall(moderation=Wall.Moderation.TRUST_VERIFIED)
    client.force_login(factories.EducatorFactory(verified=False))
    client.post(url(wall), post_data())
    assert Post.objects.get().status == Post.Status.PENDING


def test_anonymous_posts_never_show_a_name(client, wall):
    client.post(url(wall), post_data(is_anonymous="on"))
    post = Post.objects.get()
    assert post.is_anonymous and post.author_name == ""
    assert post.signature == "Anonymous"


def test_a_closed_wall_takes_no_posts(client):
    wall = make_wall(
        slug="spring-2021",
        opens_on=datetime.date(2021, 4, 1),
        closes_on=datetime.date(2021, 5, 31),
    )
    response = client.post(url(wall), post_data())
    assert response.status_code == 200
    assert "This wall is closed" in response.content.decode()
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    "message",
    [
        "Your account needs attention: sign in at раураl.cоm today",  # Cyrillic letters
        "Claim your gift card at secure-login.help",  # any TLD
        "Staff portal: exаmple[.]com/reset",  # written around a filter
        "Visit пример.рф for your certificate",  # an internationalised name
        "Visit xn--e1afmkfd.xn--p1ai for your certificate",  # the same in punycode
        "Open hxxp://192.0.2.10/login to confirm",
        "Thank you! Also: big саsіnо bonus",  # the word list, after folding
        "Ｆｒｅｅ ＣＡＳＩＮＯ ｂｏｎｕｓ",  # full-width letters
    ],
)
def test_links_and_look_alikes_are_held_even_from_a_trusted_account(client, message):
    wall = make_wall(moderation=Wall.Moderation.TRUST_VERIFIED)
    client.force_login(factories.EducatorFactory())
    client.post(url(wall), post_data(message=message))
    post = Post.objects.get()
    assert post.status == Post.Status.PENDING
    assert post.held_reason in ("contains a link", "word list: casino")
    assert message not in client.get(wall.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "message",
    [
        "Thank you for 3.5 hours of tutoring every week, Mr.Smith. You are the best!",
        "¡Gracias, señora Núñez! Usted es la mejor maestra de 2.º grado, p.ej. en lectura.",
    ],
)
def test_ordinary_thanks_from_a_trusted_account_still_go_up_at_once(client, message):
    wall = make_wall(moderation=Wall.Moderation.TRUST_VERIFIED)
    client.force_login(factories.EducatorFactory())
    client.post(url(wall), post_data(message=message))
    post = Post.objects.get()
    assert (post.status, post.held_reason) == (Post.Status.APPROVED, "")


def test_a_stranger_recipient_address_waits_for_approval_before_any_email(
    client, coordinator, django_capture_on_commit_callbacks
):
    """A verified account on a trusting wall thanks someone at an outside address: the
    post waits, nothing is e-mailed; the e-mail goes once a moderator approves."""
    wall = make_wall(moderation=Wall.Moderation.TRUST_VERIFIED)
    client.force_login(factories.EducatorFactory())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(wall), post_data(recipient_email="victim@elsewhere.example.net"))
    post = Post.objects.get()
    assert post.status == Post.Status.PENDING
    assert post.held_reason == "recipient e-mail outside the hub"
    assert not mail.outbox and post.recipient_notified_at is None
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("gratitude:moderate", args=[wall.slug]), {"one": f"approve:{post.pk}"})
    assert [message.to for message in mail.outbox] == [["victim@elsewhere.example.net"]]


def test_thanking_a_hub_member_at_their_own_address_goes_up_and_tells_them(
    client, django_capture_on_commit_callbacks
):
    wall = make_wall(moderation=Wall.Moderation.TRUST_VERIFIED)
    colleague = factories.EducatorFactory()
    client.force_login(factories.EducatorFactory())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(wall), post_data(recipient_email=colleague.email.upper()))
    assert Post.objects.get().status == Post.Status.APPROVED
    assert [message.to for message in mail.outbox] == [[colleague.email.upper()]]
