"""The outbox in the back office: coordinators see every message with its status and
error, filter and search it, and resend; nobody else sees it."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from trec.notifications import services as notifications
from trec.notifications.models import Notification

from .factories import confirmed, event_starting_in

pytestmark = pytest.mark.django_db

OUTBOX = "/admin/notifications/notification/"


def rows(response) -> list[str]:
    page = BeautifulSoup(response.content.decode(), "html.parser")
    return [row.get_text(" ", strip=True) for row in page.select("#result_list tbody tr")]


@pytest.fixture
def outbox(settings, django_capture_on_commit_callbacks):
    """A sent reminder, a skipped one and a failed one (the server refused it)."""
    event = event_starting_in(datetime.timedelta(hours=20), title="Outdoor Learning")
    confirmed(event, email="sent@example.org")
    confirmed(event, email="skipped@example.org", notify_reminders=False)
    confirmed(event, email="refused@example.org")
    notifications.reminders_enqueue_due()
    by_email = {n.recipient.email: n for n in Notification.objects.select_related("recipient")}
    notifications.notifications_dispatch([by_email["sent@example.org"].pk])
    notifications.notifications_dispatch([by_email["skipped@example.org"].pk])
    settings.EMAIL_BACKEND = "tests.notifications.backends.RefusingBackend"
    notifications.notifications_dispatch([by_email["refused@example.org"].pk])
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    return {email: Notification.objects.get(pk=n.pk) for email, n in by_email.items()}


def test_coordinators_see_every_message_with_status_and_error(client, coordinator, outbox):
    client.force_login(coordinator)
    response = client.get(OUTBOX)
    assert response.status_code == 200
    listed = rows(response)
    assert len(listed) == 3
    refused = next(row for row in listed if "refused@example.org" in row)
    assert "Reminder before a session" in refused and "Failed" in refused
    assert "550" in refused and "No such user" in refused
    assert "Outdoor Learning" in refused  # what it was about
    skipped = next(row for row in listed if "skipped@example.org" in row)
    assert "Skipped" in skipped and "notify_reminders" in skipped


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status__exact=failed", ["refused@example.org"]),
        ("status__exact=sent", ["sent@example.org"]),
        ("kind=event_reminder", ["refused@example.org", "sent@example.org", "skipped@example.org"]),
        ("kind=weekly_digest", []),
        ("q=skipped%40example", ["skipped@example.org"]),
    ],
)
def test_filters_and_search(client, coordinator, outbox, query, expected):
    client.force_login(coordinator)
    listed = rows(client.get(f"{OUTBOX}?{query}"))
    assert sorted(email for email in outbox if any(email in row for row in listed)) == expected


def test_the_date_filter(client, coordinator, outbox):
    client.force_login(coordinator)
    page = BeautifulSoup(client.get(OUTBOX).content.decode(), "html.parser")
    created = page.select_one("#changelist-filter")
    today = next(a["href"] for a in created.select("a") if a.get_text(strip=True) == "Today")
    assert "created_at__gte" in today
    assert len(rows(client.get(f"{OUTBOX}{today}"))) == 3
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(days=3))
    assert rows(client.get(f"{OUTBOX}{today}")) == []


def test_the_kind_filter_offers_every_kind_by_name(client, coordinator, outbox):
    client.force_login(coordinator)
    page = BeautifulSoup(client.get(OUTBOX).content.decode(), "html.parser")
    filters = page.select_one("#changelist-filter").get_text(" ", strip=True)
    for label in ("Registration confirmed", "Reminder before a session", "Weekly digest"):
        assert label in filters


def test_resend_sends_failed_messages_again_once_and_leaves_sent_ones(
    client, coordinator, outbox, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            OUTBOX,
            {
                "action": "resend",
                "_selected_action": [
                    outbox["refused@example.org"].pk,
                    outbox["sent@example.org"].pk,
                ],
            },
            follow=True,
        )
    text = response.content.decode()
    assert "1 message is queued again" in text
    assert "1 message was already sent (or is being sent) and was left as it is" in text
    assert [m.to for m in mail.outbox] == [["refused@example.org"]]
    row = Notification.objects.get(pk=outbox["refused@example.org"].pk)
    assert row.status == "sent" and row.attempts == 1 and row.last_error == ""


def test_a_message_opens_read_only(client, coordinator, outbox):
    client.force_login(coordinator)
    response = client.get(f"{OUTBOX}{outbox['refused@example.org'].pk}/change/")
    assert response.status_code == 200
    page = BeautifulSoup(response.content.decode(), "html.parser")
    assert page.select_one("form input[type=submit][name=_save]") is None
    assert "No such user" in page.get_text()


@pytest.mark.parametrize("who", ["educator", "provider_staff"])
def test_nobody_else_sees_the_outbox(client, outbox, who):
    user = factories.EducatorFactory() if who == "educator" else factories.ProviderStaffFactory()
    client.force_login(user)
    changelist = client.get(OUTBOX)
    detail = client.get(f"{OUTBOX}{outbox['sent@example.org'].pk}/change/")
    if who == "educator":
        assert changelist.status_code == 302 and "/admin/login/" in changelist["Location"]
    else:
        assert changelist.status_code == 403
        assert detail.status_code in (302, 403)
        assert "Notifications" not in client.get("/admin/").content.decode()


def test_outbox_query_count_does_not_grow_with_the_number_of_messages(client, coordinator):
    """Guards against an N+1 over recipients and the objects messages are about."""
    client.force_login(coordinator)

    def listing_queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(OUTBOX).status_code == 200
        return len(context.captured_queries)

    event = event_starting_in(datetime.timedelta(hours=20))
    confirmed(event)
    notifications.reminders_enqueue_due()
    one = listing_queries()
    for _ in range(30):
        confirmed(event)
    notifications.reminders_enqueue_due()
    assert Notification.objects.count() == 31
    assert listing_queries() == one
