"""Exactly once: a retried task, a task delivered twice, two sweeps, two workers at once,
a mail server that drops the line — each message still goes out once."""

import datetime
import threading
from unittest import mock

import pytest
from django.core import mail
from django.db import connection, connections, transaction
from django.utils import timezone

from events import services as events
from tests import factories
from trec.notifications import services as notifications
from trec.notifications import tasks
from trec.notifications.delivery import deliver
from trec.notifications.models import Notification

from .backends import FlakyBackend, RefusingBackend
from .factories import confirmed, event_starting_in

HOUR = datetime.timedelta(hours=1)


def queued_reminders(n: int) -> list[int]:
    """n reminders in the outbox, not handed to a worker yet."""
    event = event_starting_in(20 * HOUR)
    for _ in range(n):
        confirmed(event)
    with mock.patch.object(notifications, "notifications_dispatch"):  # commits in some tests
        notifications.reminders_enqueue_due()
    return list(Notification.objects.order_by("pk").values_list("pk", flat=True))


@pytest.mark.django_db
def test_a_task_delivered_twice_sends_once():
    (row_id,) = queued_reminders(1)
    first = tasks.send_notification.apply(args=[row_id]).get()
    second = tasks.send_notification.apply(args=[row_id]).get()
    assert first["sent"] == 1 and second == {"sent": 0, "skipped": 0, "failed": 0, "busy": 1}
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_batch_handed_over_twice_sends_each_once():
    ids = queued_reminders(5)
    notifications.notifications_dispatch(ids)
    notifications.notifications_dispatch(ids)
    tasks.send_notification_batch.apply(args=[ids])
    assert len(mail.outbox) == 5
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        Notification.objects.values_list("recipient__email", flat=True)
    )


@pytest.mark.django_db
def test_two_sweeps_send_once():
    ids = queued_reminders(3)  # never handed over: as if the broker had been down
    later = timezone.now() + datetime.timedelta(minutes=2)
    assert notifications.outbox_sweep(now=later) == 3
    assert notifications.outbox_sweep(now=later) == 0  # nothing pending any more
    assert len(mail.outbox) == 3
    assert set(Notification.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db
def test_the_sweep_leaves_rows_younger_than_a_minute_alone():
    queued_reminders(2)
    assert notifications.outbox_sweep() == 0
    assert notifications.outbox_sweep(now=timezone.now() + datetime.timedelta(seconds=30)) == 0
    assert mail.outbox == []
    assert notifications.outbox_sweep(now=timezone.now() + datetime.timedelta(seconds=61)) == 2


@pytest.mark.django_db
def test_retrying_a_registration_service_call_does_not_queue_a_second_message(
    django_capture_on_commit_callbacks,
):
    event = factories.EventFactory()
    educator = factories.EducatorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        events.registration_create(event=event, user=educator)
        events.registration_create(event=event, user=educator)  # "already registered"
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_a_dropped_connection_is_retried_and_every_message_goes_out_once(settings):
    """The server hangs up after two messages; the batch task records the attempt, retries
    (in-process here, with a backoff on a real worker) and sends the rest, none twice."""
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    FlakyBackend.fail_after, FlakyBackend.failures_left, FlakyBackend.accepted = 2, 1, 0
    ids = queued_reminders(5)

    tasks.send_notification_batch.apply(args=[ids], throw=False)  # retries run in-process

    assert len(mail.outbox) == 5
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 5
    rows = {row.pk: row for row in Notification.objects.all()}
    assert {row.status for row in rows.values()} == {"sent"}
    assert rows[ids[2]].attempts == 2 and "SMTPServerDisconnected" not in rows[ids[2]].last_error
    assert [rows[pk].attempts for pk in ids] == [1, 1, 2, 1, 1]


@pytest.fixture
def retries_in_process():
    """Eager retries chain in-process only when eager tasks don't propagate errors."""
    from trec.celery import app

    before = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = before


@pytest.mark.django_db
def test_a_server_that_stays_down_keeps_the_row_pending_until_it_is_too_old(
    settings, retries_in_process
):
    """Every retry fails: the row stays pending for the sweep (the server may come back
    in an hour); only once NOTIFICATIONS_GIVE_UP_HOURS have passed does it fail."""
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    FlakyBackend.fail_after, FlakyBackend.failures_left, FlakyBackend.accepted = 0, 99, 0
    (row_id,) = queued_reminders(1)

    tasks.send_notification.apply(args=[row_id], throw=False)  # retried in-process

    row = Notification.objects.get()
    assert row.status == "pending" and row.attempts == tasks.send_notification.max_retries + 1
    assert "SMTPServerDisconnected" in row.last_error
    assert mail.outbox == []

    written = timezone.now() - datetime.timedelta(hours=settings.NOTIFICATIONS_GIVE_UP_HOURS + 1)
    Notification.objects.filter(pk=row_id).update(created_at=written)
    tasks.send_notification.apply(args=[row_id], throw=False)
    row.refresh_from_db()
    assert row.status == "failed" and "SMTPServerDisconnected" in row.last_error


@pytest.mark.django_db
def test_a_permanent_refusal_fails_at_once_with_the_error(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.RefusingBackend"
    assert RefusingBackend
    (row_id,) = queued_reminders(1)
    tasks.send_notification.apply(args=[row_id])
    row = Notification.objects.get()
    assert row.status == "failed" and row.attempts == 1 and "550" in row.last_error


# --- Two workers at once (row locks: PostgreSQL) -------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_row_another_worker_holds_is_left_alone():
    (row_id,) = queued_reminders(1)
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        with transaction.atomic():
            Notification.objects.select_for_update().get(pk=row_id)
            locked.set()
            release.wait(10)
        connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    locked.wait(10)
    report = deliver([row_id])
    release.set()
    thread.join()

    assert report.busy == [row_id] and report.sent == []
    assert mail.outbox == []
    assert Notification.objects.get().status == "pending"


def two_workers_at_once(ids) -> list:
    start = threading.Barrier(2)
    reports = []

    def worker():
        start.wait()
        try:
            reports.append(deliver(ids))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return reports


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_on_the_same_batch_send_each_message_once(settings):
    """Both workers get the same 40 ids at the same moment; each row goes out once."""
    settings.EMAIL_BACKEND = "tests.notifications.backends.SlowBackend"
    ids = queued_reminders(40)

    reports = two_workers_at_once(ids)

    assert sorted(len(r.sent) + len(r.busy) for r in reports) == [40, 40]
    assert all(r.sent for r in reports), "both workers sent some: they really overlapped"
    assert len(mail.outbox) == 40
    assert len({m.to[0] for m in mail.outbox}) == 40
    assert connection.vendor == "postgresql"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_control_without_the_row_lock_the_workers_do_send_twice(settings, monkeypatch):
    """The harness can see the bug the lock prevents: with SELECT … FOR UPDATE SKIP LOCKED
    switched off, two workers on the same rows send duplicates."""
    from django.db.models import QuerySet

    settings.EMAIL_BACKEND = "tests.notifications.backends.SlowBackend"
    ids = queued_reminders(40)
    monkeypatch.setattr(QuerySet, "select_for_update", lambda self, **kwargs: self)

    two_workers_at_once(ids)

    assert len(mail.outbox) > 40
