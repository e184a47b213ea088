"""Moderation: the queue with counts, approve / reject / hide one post or many, typo
fixes, and the "someone thanked you" e-mail, sent once after approval."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from gratitude import services
from gratitude.models import Post
from tests import factories
from tests.notifications.backends import broker_down
from trec.notifications import services as notifications
from trec.notifications.models import Notification

from .conftest import make_post

pytestmark = pytest.mark.django_db


def queue(wall, status=""):
    url = reverse("gratitude:moderate", args=[wall.slug])
    return f"{url}?status={status}" if status else url


def test_moderators_see_the_pending_count_on_the_wall(client, wall, partner_staff):
    make_post(wall, status=Post.Status.PENDING)
    make_post(wall, status=Post.Status.PENDING)
    client.force_login(partner_staff)
    page = client.get(wall.get_absolute_url()).content.decode()
    assert "2 posts are waiting for review" in page
    client.force_login(factories.EducatorFactory())
    assert "waiting for review" not in client.get(wall.get_absolute_url()).content.decode()


def test_queue_lists_pending_oldest_first_with_counts(client, wall, coordinator):
    first = make_post(wall, recipient_name="First", status=Post.Status.PENDING)
    make_post(
        wall, recipient_name="Second", status=Post.Status.PENDING, held_reason="contains a link"
    )
    make_post(wall, recipient_name="Shown")
    client.force_login(coordinator)
    response = client.get(queue(wall))
    soup = BeautifulSoup(response.content, "html.parser")
    assert [h.get_text(strip=True) for h in soup.select(".queue-to")] == ["To First", "To Second"]
    assert soup.select_one(f"#select-{first.pk}")["name"] == "ids"
    tabs = {a.get_text(" ", strip=True) for a in soup.select(".status-tabs a")}
    assert "Waiting for review 2" in tabs and "Approved 1" in tabs
    assert "contains a link" in response.content.decode()
    assert len(soup.find_all("h1")) == 1


def test_queue_queries_are_fixed(client, wall, coordinator, django_assert_num_queries):
    for n in range(30):
        make_post(
            wall,
            recipient_name=f"P{n}",
            status=Post.Status.PENDING,
            recipient_district=factories.DistrictFactory(),
            moderated_by=coordinator,
        )
    client.force_login(coordinator)
    client.get(queue(wall))
    # session, user, wall, partners, coordinator group, count, page, status counts
    with django_assert_num_queries(8):
        client.get(queue(wall))


def test_bulk_approve_puts_posts_on_the_wall_and_tells_recipients_once(
    client, wall, partner_staff, django_capture_on_commit_callbacks
):
    told = make_post(
        wall,
        recipient_name="Ms. Rivera",
        status=Post.Status.PENDING,
        recipient_email="rivera@school.example.org",
    )
    silent = make_post(wall, recipient_name="Mr. Chen", status=Post.Status.PENDING)
    untouched = make_post(wall, recipient_name="Later", status=Post.Status.PENDING)
    client.force_login(partner_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(queue(wall), {"action": "approve", "ids": [told.pk, silent.pk]})
    assert response.status_code == 302
    told.refresh_from_db()
    assert told.status == Post.Status.APPROVED and told.moderated_by == partner_staff
    assert told.recipient_notified_at is not None
    assert Post.objects.get(pk=silent.pk).status == Post.Status.APPROVED
    assert Post.objects.get(pk=untouched.pk).status == Post.Status.PENDING
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rivera@school.example.org"]
    assert "thanked you" in message.subject
    assert told.get_absolute_url() in message.body
    assert "do not have an account" in message.body
    assert "notification preferences" not in message.body
    html = message.alternatives[0][0]
    assert "do not have an account" in html and "rivera@school" not in html
    # Hide and approve again, or a duplicated task: no second e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(queue(wall), {"one": f"hide:{told.pk}"})
        client.post(queue(wall, "hidden"), {"one": f"approve:{told.pk}"})
    row = Notification.objects.get(kind="gratitude_thanked")
    notifications.notifications_dispatch([row.pk])
    assert len(mail.outbox) == 1


def test_rejecting_and_hiding(client, wall, coordinator, django_capture_on_commit_callbacks):
    spam = make_post(wall, status=Post.Status.PENDING, recipient_email="x@example.org")
    shown = make_post(wall, recipient_name="Shown for now")
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(queue(wall), {"one": f"reject:{spam.pk}"})
        client.post(queue(wall, "approved"), {"action": "hide", "ids": [shown.pk]})
    assert Post.objects.get(pk=spam.pk).status == Post.Status.REJECTED
    assert Post.objects.get(pk=shown.pk).status == Post.Status.HIDDEN
    assert "Shown for now" not in client.get(wall.get_absolute_url()).content.decode()
    assert not mail.outbox


def test_bulk_action_without_a_choice_or_selection_changes_nothing(client, wall, coordinator):
    post = make_post(wall, status=Post.Status.PENDING)
    client.force_login(coordinator)
    follow = client.post(queue(wall), {"action": "", "ids": [post.pk]}, follow=True)
    assert "Choose what to do" in follow.content.decode()
    follow = client.post(queue(wall), {"action": "approve"}, follow=True)
    assert "Select at least one post" in follow.content.decode()
    assert Post.objects.get(pk=post.pk).status == Post.Status.PENDING


def test_a_moderator_cannot_touch_another_walls_posts_by_id(client, wall, partner_staff):
    from .conftest import make_wall

    other = make_wall(slug="other-wall")
    foreign = make_post(other, status=Post.Status.PENDING)
    client.force_login(partner_staff)
    client.post(queue(wall), {"action": "approve", "ids": [foreign.pk]})
    assert Post.objects.get(pk=foreign.pk).status == Post.Status.PENDING
    assert client.get(queue(other)).status_code == 404


def test_edit_fixes_typos_and_keeps_status(client, wall, coordinator):
    post = make_post(wall, status=Post.Status.PENDING, message="Thnak you for evrything!")
    client.force_login(coordinator)
    url = reverse("gratitude:moderate_edit", args=[wall.slug, post.pk])
    assert client.get(url).status_code == 200
    data = {
        "recipient_name": "Ms. Rivera",
        "recipient_school": "Roskruge Bilingual K-8",
        "recipient_district": "",
        "message": "Thank you for everything!",
        "author_name": "The Lopez family",
        "image_alt": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.message == "Thank you for everything!"
    assert post.status == Post.Status.PENDING and post.moderated_by == coordinator
    bad = client.post(url, {**data, "recipient_name": "", "message": "Kept text"})
    assert bad.status_code == 400 and "Kept text" in bad.content.decode()


def test_broker_down_still_approves(wall, coordinator, django_capture_on_commit_callbacks):
    post = make_post(wall, status=Post.Status.PENDING, recipient_email="a@example.org")
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        changed = services.posts_moderate(
            wall=wall, post_ids=[post.pk], action="approve", moderator=coordinator
        )
    assert changed == 1
    post.refresh_from_db()
    assert post.status == Post.Status.APPROVED
    row = Notification.objects.get(kind="gratitude_thanked", email="a@example.org")
    assert row.status == "pending" and mail.outbox == []
    # The broker is back: the sweep sends the thank-you, once.
    later = timezone.now() + datetime.timedelta(minutes=2)
    notifications.outbox_sweep(now=later)
    notifications.outbox_sweep(now=later)
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
