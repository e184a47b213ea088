"""With the real services: a Celery worker with beat on Redis, PostgreSQL, and an SMTP
sink. An educator gets each message once, at the right time, in both formats; a message
written while the broker was unreachable goes out once the sweep finds it."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from bench.smtp_sink import SmtpSink
from events import services as events
from events.models import Registration
from tests import factories
from trec.celery import app
from trec.notifications.models import Notification

from .factories import confirmed, event_starting_in

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def publish_to(url: str | None) -> None:
    """Make this (test) process publish tasks for real, to `url`; None: back to in-process."""
    app.conf.task_always_eager = url is None
    app.conf.broker_url = url or settings.CELERY_BROKER_URL
    app.conf.broker_write_url = None  # (falls back to broker_url)
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def sink():
    with SmtpSink(parse_bodies=True) as sink:
        yield sink


@pytest.fixture
def worker(sink, tmp_path):
    """`celery -A trec worker -B` against this test's database, Redis and the sink."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete("celery", "unacked", "unacked_index", "unacked_mutex")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"TREC_TESTING", "PYTEST_CURRENT_TEST"}
    } | {
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink.port),
        "NOTIFICATIONS_REMINDER_SECONDS": "1",
        "NOTIFICATIONS_SWEEP_SECONDS": "1",
        "NOTIFICATIONS_RETRY_AFTER_SECONDS": "2",
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "0",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "trec",
            "worker",
            "-B",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "-s",
            str(tmp_path / "beat-schedule"),
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    publish_to(settings.REDIS_URL)
    try:
        yield process
    finally:
        publish_to(None)
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        client.delete("celery", "unacked", "unacked_index", "unacked_mutex")


def wait_for(condition, timeout=45.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_each_message_once_at_the_right_time_in_both_formats(worker, sink):
    event = event_starting_in(datetime.timedelta(hours=20), title="Mindful Mornings")
    early = confirmed(event, registered_ago=datetime.timedelta(days=3))  # gets the reminder
    gone = confirmed(event, registered_ago=datetime.timedelta(days=3))
    events.registration_cancel(registration=gone)  # no reminder for them
    newcomer = factories.EducatorFactory()
    events.registration_create(event=event, user=newcomer)  # confirmation, no late reminder

    expected = {
        (early.user.email, "event_reminder"),
        (gone.user.email, "registration_cancelled"),
        (newcomer.email, "registration_confirmed"),
    }
    assert wait_for(lambda: sink.count >= len(expected)), sink.received
    time.sleep(4)  # several more beat ticks and sweeps: nothing else, nothing twice

    got = {(item.recipients[0], item.kind) for item in sink.received}
    assert got == expected
    assert sink.count == sink.distinct == 3 and sink.duplicates == 0
    assert all(item.has_text and item.has_html for item in sink.received)
    assert all("/me/profile/#notifications" in item.body_text for item in sink.received)
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert Registration.objects.get(pk=gone.pk).status == "cancelled"


def test_a_message_written_while_the_broker_was_unreachable_goes_out_once(worker, sink):
    event = factories.EventFactory(title="Counselor Connect")
    educator = factories.EducatorFactory()
    with socket_closed_broker():
        events.registration_create(event=event, user=educator)
    row = Notification.objects.get(recipient=educator)
    assert row.status == "pending" and row.enqueued_at is None

    # The worker's beat sweeps every second and takes rows older than two.
    assert wait_for(lambda: sink.count >= 1)
    time.sleep(3)
    assert [item.kind for item in sink.received] == ["registration_confirmed"]
    row.refresh_from_db()
    assert row.status == "sent" and row.enqueued_at is not None
    assert row.sent_at > row.created_at + datetime.timedelta(seconds=2)
    assert timezone.now() > row.sent_at


class socket_closed_broker:  # noqa: N801 - used like a function
    def __enter__(self):
        from bench.smtp_sink import free_port

        publish_to(f"redis://127.0.0.1:{free_port()}/14")

    def __exit__(self, *exc):
        publish_to(settings.REDIS_URL)
