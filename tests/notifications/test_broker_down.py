"""Redis down: registering still works, the message waits in the outbox, and the sweep
sends it (once) when the broker is back."""

import datetime
import socket
import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import Registration
from tests import factories
from trec.celery import app
from trec.notifications import services as notifications
from trec.notifications.models import Notification

from .backends import broker_down

pytestmark = pytest.mark.django_db

LATER = datetime.timedelta(minutes=2)


def test_registering_works_while_the_broker_is_down_and_the_sweep_sends_later(
    client, educator, django_capture_on_commit_callbacks, caplog
):
    event = factories.EventFactory(title="Trauma-Informed Classrooms")
    client.force_login(educator)

    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("events:register", kwargs={"slug": event.slug}))

    assert response.status_code == 302
    assert Registration.objects.get(event=event, user=educator).status == "confirmed"
    row = Notification.objects.get(recipient=educator)
    assert row.status == "pending" and row.enqueued_at is None and row.attempts == 0
    assert mail.outbox == []
    assert "task broker is unavailable" in caplog.text

    # Still down a minute later: the sweep tries, the row keeps waiting.
    with broker_down():
        assert notifications.outbox_sweep(now=timezone.now() + LATER) == 0
    assert Notification.objects.get().status == "pending"

    # The broker is back: the next sweep hands it over, the one after finds nothing.
    assert notifications.outbox_sweep(now=timezone.now() + LATER) == 1
    assert notifications.outbox_sweep(now=timezone.now() + LATER) == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "You're registered: Trauma-Informed Classrooms"
    assert Notification.objects.get().status == "sent"


def test_cancelling_while_the_broker_is_down_still_frees_the_seat(
    client, educator, django_capture_on_commit_callbacks
):
    event = factories.EventFactory(capacity=1)
    factories.RegistrationFactory(event=event, user=educator)
    waiting = factories.RegistrationFactory(
        event=event, status=Registration.Status.WAITLISTED, queue_number=1, confirmed_at=None
    )
    client.force_login(educator)

    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("events:cancel", kwargs={"slug": event.slug}))

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert sorted(Notification.objects.values_list("kind", "status")) == [
        ("registration_cancelled", "pending"),
        ("registration_promoted", "pending"),
    ]
    notifications.outbox_sweep(now=timezone.now() + LATER)
    assert sorted(m.subject.split(":")[0] for m in mail.outbox) == [
        "A seat opened up, you're in",
        "Registration cancelled",
    ]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe closes


@pytest.fixture
def real_broker_on_a_closed_port():
    """Celery publishing for real (not in-process) to a Redis URL where nothing listens."""
    saved = (app.conf.task_always_eager, app.conf.broker_url)

    def point_at(url, eager):
        app.conf.task_always_eager = eager
        app.conf.broker_url = url
        app.conf.broker_write_url = None  # (reads fall back to broker_url)
        app._pool = None
        app.amqp._producer_pool = None

    point_at(f"redis://127.0.0.1:{closed_port()}/14", eager=False)
    yield
    point_at(saved[1], eager=saved[0])


def test_a_real_publish_to_a_dead_broker_is_caught_quickly(real_broker_on_a_closed_port):
    registration = factories.RegistrationFactory()
    row = Notification.objects.create(
        recipient=registration.user,
        kind="registration_confirmed",
        content_type=ContentType.objects.get_for_model(Registration),
        object_id=registration.pk,
    )

    started = time.monotonic()
    handed = notifications.notifications_dispatch([row.pk])
    elapsed = time.monotonic() - started

    assert handed == 0
    assert elapsed < 5, f"a request would hang {elapsed:.1f}s on a dead broker"
    row.refresh_from_db()
    assert row.status == "pending" and row.enqueued_at is None
