"""Over real SMTP (an aiosmtpd sink): the row is committed "sending" right before the
final "." and "sent" after the server's answer, so a worker that dies at any point
never makes the outbox send a message twice."""

import datetime
import smtplib
import socket

import pytest
from django.utils import timezone

from bench.smtp_sink import SmtpSink
from trec.notifications import services as notifications
from trec.notifications.delivery import deliver
from trec.notifications.models import Notification
from trec.notifications.smtp import CommitPointSMTP

from .factories import confirmed, event_starting_in

pytestmark = pytest.mark.django_db(transaction=True)  # the commit point commits for real


class WorkerKilled(BaseException):  # noqa: N818 - stands for SIGKILL
    """The worker process dies: nothing after this line runs, its socket is gone."""


@pytest.fixture
def sink(settings):
    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        settings.EMAIL_TIMEOUT = 5
        yield sink


@pytest.fixture
def reminder(monkeypatch):
    """One reminder in the outbox (not handed to a worker)."""
    confirmed(event_starting_in(datetime.timedelta(hours=20)))
    monkeypatch.setattr(notifications, "notifications_dispatch", lambda ids: 0)
    notifications.reminders_enqueue_due()
    monkeypatch.undo()
    return Notification.objects.get()


def die_when_sending(monkeypatch, predicate):
    """Kill the 'worker' as it writes the data `predicate` picks (after writing it)."""
    original = CommitPointSMTP.send

    def send(self, data):
        original(self, data)
        if predicate(data):
            self.sock.shutdown(socket.SHUT_RDWR)  # as the kernel does for a dead process
            self.sock.close()
            raise WorkerKilled

    monkeypatch.setattr(CommitPointSMTP, "send", send)


def status_of(row) -> str:
    return Notification.objects.get(pk=row.pk).status


def test_the_row_is_sending_at_the_final_dot_and_sent_after_the_answer(sink, reminder, monkeypatch):
    seen = []
    original = CommitPointSMTP.send

    def send(self, data):
        if data == b".\r\n":
            seen.append(status_of(reminder))  # what another connection would read now
        original(self, data)

    monkeypatch.setattr(CommitPointSMTP, "send", send)
    report = deliver([reminder.pk])

    assert report.sent == [reminder.pk]
    assert seen == ["sending"]
    row = Notification.objects.get()
    assert row.status == "sent" and row.sent_at and row.attempts == 1
    assert sink.count == 1 and sink.received[0].message_id == row.message_id


def test_killed_after_the_final_dot_the_message_is_never_sent_again(sink, reminder, monkeypatch):
    die_when_sending(monkeypatch, lambda data: data == b".\r\n")
    with pytest.raises(WorkerKilled):
        deliver([reminder.pk])
    monkeypatch.undo()
    assert sink.wait_for(1) == 1  # the server has it
    assert status_of(reminder) == "sending"

    # The task comes back (acks_late), the sweep runs: nothing goes out again.
    assert deliver([reminder.pk]).busy == [reminder.pk]
    assert notifications.outbox_sweep(now=timezone.now() + datetime.timedelta(minutes=2)) == 0
    assert sink.count == 1

    # Much later the sweep tells coordinators it is unconfirmed; they may resend it.
    notifications.outbox_sweep(now=timezone.now() + datetime.timedelta(hours=1))
    row = Notification.objects.get()
    assert row.status == "failed" and row.last_error.startswith("Unconfirmed")
    assert sink.count == sink.distinct == 1


def test_killed_before_the_final_dot_the_message_is_sent_once_later(sink, reminder, monkeypatch):
    die_when_sending(monkeypatch, lambda data: len(data) > 200)  # the message, not its "."
    with pytest.raises(WorkerKilled):
        deliver([reminder.pk])
    monkeypatch.undo()
    assert sink.count == 0  # a DATA without its "." is discarded
    assert status_of(reminder) == "pending"  # the transaction died with the worker

    later = timezone.now() + datetime.timedelta(minutes=2)
    assert notifications.outbox_sweep(now=later) == 1  # in-process: sent right away
    assert sink.count == sink.distinct == 1
    assert status_of(reminder) == "sent"


def test_a_refusal_after_the_final_dot_is_a_failure_not_a_send(sink, reminder, monkeypatch):
    original = CommitPointSMTP.data

    def data(self, msg):
        original(self, msg)  # the server takes it...
        raise smtplib.SMTPDataError(554, b"Transaction failed")  # ...and says no

    monkeypatch.setattr(CommitPointSMTP, "data", data)
    report = deliver([reminder.pk])

    assert report.failed == [reminder.pk]
    row = Notification.objects.get()
    assert row.status == "failed" and "554" in row.last_error and row.sent_at is None
