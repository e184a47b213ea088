"""Mail backends that let tests count connections and make the server misbehave, and a
broker that does not answer."""

import contextlib
import smtplib
from unittest import mock

from django.core.mail.backends.locmem import EmailBackend
from kombu.exceptions import OperationalError

from trec.notifications import tasks


@contextlib.contextmanager
def broker_down():
    """What publishing raises when Redis does not answer (single and batch tasks)."""
    error = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with (
        mock.patch.object(tasks.send_notification, "apply_async", side_effect=error),
        mock.patch.object(tasks.send_notification_batch, "apply_async", side_effect=error),
    ):
        yield


class CountingBackend(EmailBackend):
    """The locmem backend, counting how many connections were made and opened."""

    created = 0
    opened = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        type(self).created += 1

    def open(self):
        type(self).opened += 1
        return True

    @classmethod
    def reset(cls):
        cls.created = cls.opened = 0


class FlakyBackend(EmailBackend):
    """Drops the connection once, after `fail_after` messages (then works again)."""

    fail_after = 1
    failures_left = 1
    accepted = 0

    def send_messages(self, messages):
        cls = type(self)
        if cls.accepted >= cls.fail_after and cls.failures_left:
            cls.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        cls.accepted += len(messages)
        return super().send_messages(messages)


class RefusingBackend(EmailBackend):
    """Answers every message with a permanent 550."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (550, b"No such user")})


class SlowBackend(EmailBackend):
    """Takes a few milliseconds per message, like a real server, so workers overlap."""

    def send_messages(self, messages):
        import time

        time.sleep(0.003)
        return super().send_messages(messages)
