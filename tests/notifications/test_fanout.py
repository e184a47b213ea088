"""Fan-out: a big webinar's reminders and an event cancellation go out in batches, each
over one mail connection, not one connection per message."""

import datetime

import pytest
from django.core import mail

from events import services as events
from events.models import Event
from trec.notifications import services as notifications
from trec.notifications.models import Notification

from .backends import CountingBackend
from .factories import confirmed, event_starting_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def counting(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.CountingBackend"
    CountingBackend.reset()
    return CountingBackend


def test_a_webinars_reminders_share_one_connection_per_batch(
    counting, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_BATCH_SIZE = 50
    webinar = event_starting_in(datetime.timedelta(minutes=50), kind=Event.Kind.WEBINAR)
    for _ in range(120):
        confirmed(webinar)

    with django_capture_on_commit_callbacks(execute=True):
        notifications.reminders_enqueue_due()

    assert len(mail.outbox) == 120
    assert len({m.to[0] for m in mail.outbox}) == 120
    assert (counting.created, counting.opened) == (3, 3)  # 50 + 50 + 20
    assert Notification.objects.filter(status="sent").count() == 120


def test_cancelling_an_event_emails_every_registrant_over_one_connection(
    counting, django_capture_on_commit_callbacks
):
    event = event_starting_in(datetime.timedelta(days=3), title="Big Summit")
    for _ in range(30):
        confirmed(event)

    with django_capture_on_commit_callbacks(execute=True):
        assert events.event_cancel(event=event, reason="Venue flooded.") == 30

    kinds = [message.extra_headers["X-TREC-Notification"] for message in mail.outbox]
    assert kinds.count("event_cancelled") == 30
    assert kinds.count("listing_cancelled") == 1  # the provider's contact, on its own
    assert (counting.created, counting.opened) == (2, 2)


def test_no_connection_is_opened_when_nothing_is_due(counting):
    event = event_starting_in(datetime.timedelta(hours=20))
    registration = confirmed(event, notify_reminders=False)
    notifications.reminders_enqueue_due()
    notifications.notifications_dispatch(Notification.objects.values_list("pk", flat=True))
    assert Notification.objects.get(recipient=registration.user).status == "skipped"
    assert counting.opened == 0
