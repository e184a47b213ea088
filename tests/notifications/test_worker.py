"""With the real services: a Celery worker with beat on Redis, PostgreSQL, and an SMTP
sink. An educator gets each message once, at the right time, in both formats; a message
written while the broker was unreachable goes out once the sweep finds it."""

import contextlib
import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from allauth.account.adapter import get_adapter
from django.conf import settings
from django.utils import timezone

from bench.smtp_sink import SmtpSink
from events import services as events
from events.models import Registration
from providers import services as providers
from tests import factories
from trec.celery import app
from trec.notifications.models import Notification

from .factories import confirmed, event_starting_in, offering_request, published_with_registrant

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


@contextlib.contextmanager
def running_worker(smtp_port: int, tmp_path):
    """`celery -A trec worker -B` against this test's database, Redis and an SMTP port."""
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
        "EMAIL_PORT": str(smtp_port),
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


@pytest.fixture
def worker(sink, tmp_path):
    with running_worker(sink.port, tmp_path) as process:
        yield process


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


def test_with_the_mail_server_stopped_each_message_goes_out_once_when_it_is_back(tmp_path):
    """Approve, return, cancel, e-mail registrants, a school's request and a password
    reset while nothing listens on the SMTP port: every step commits, the messages wait
    (attempted, pending); once the server is up each arrives exactly once."""
    sink = SmtpSink(parse_bodies=True)  # its port chosen, nobody listening yet
    with running_worker(sink.port, tmp_path):
        provider = factories.ProviderFactory(contact_email="office@s.org")
        staff = factories.ProviderStaffFactory(provider=provider, email="lena@s.org")
        events.event_approve(event=factories.EventFactory(provider=provider, status="submitted"))
        events.event_return(event=published_with_registrant(provider), comment="Hours?")
        events.event_cancel(event=factories.EventFactory(provider=provider), reason="Flooded")
        messaged = factories.EventFactory(provider=provider)
        factories.RegistrationFactory(event=messaged)
        events.registrants_email(event=messaged, subject="Room", body="**12**", sender=staff)
        request = offering_request(provider)
        providers.request_decline(session_request=request, reason="Outside our area.")
        user = factories.EducatorFactory()
        get_adapter().send_mail(
            "account/email/password_reset_key",
            user.email,
            {"user": user, "password_reset_url": "x"},
        )
        expected = Notification.objects.exclude(kind="provider_session_request").count()
        assert expected == 11
        # The worker tries while the server is down: nothing is lost, nothing fails.
        assert wait_for(lambda: Notification.objects.filter(attempts__gte=1).exists())
        assert not Notification.objects.filter(status__in=["sent", "failed"]).exists()

        sink.start()
        try:
            assert wait_for(lambda: sink.count >= expected), (sink.count, expected)
            time.sleep(4)  # more sweeps: nothing twice
            assert sink.count == sink.distinct == expected and sink.duplicates == 0
            assert Notification.objects.filter(status="sent").count() == expected
        finally:
            sink.stop()
