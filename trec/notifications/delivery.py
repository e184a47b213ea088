"""Sending outbox rows: at most one worker per row, never twice, marked sent once accepted.

For every row: take its row lock (``SELECT … FOR UPDATE SKIP LOCKED``) while it is
still pending, decide again whether it applies, render it in the recipient's
language, hand it to the mail server and record the outcome. A row another worker
holds is left alone; a row that is no longer pending is never picked. Many rows share
one mail connection, opened once.

Over SMTP (trec.notifications.smtp) the hand-over has a commit point: right before
the final "." of DATA (the moment the server takes responsibility for the message)
the row is committed as "sending"; once the server answers "250" it is committed as
"sent". A worker killed at any moment therefore leaves either a pending row for a
message the server never got, which is sent again, or a "sending" row for a message
the server most likely has, which is never sent again: the sweep marks it failed with
"unconfirmed" for a coordinator to check and resend. Every message carries a
Message-ID derived from its row, so a receiver can recognise a repeat too.

Other backends (console, locmem, and any code inside an outer transaction, such as
tests) use one transaction per row: written as sent, committed after acceptance.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone, translation

from trec.mail import build_message

from .kinds import by_kind
from .models import Notification
from .registry import NotificationKind, Skip, UnknownKind, get_kind
from .smtp import EmailBackend as CommitPointBackend
from .smtp import backend_for
from .unsubscribe import can_unsubscribe, is_unsubscribed, unsubscribe_url

logger = logging.getLogger(__name__)

PENDING = Notification.Status.PENDING


class TransientDeliveryError(Exception):
    """The mail server could not be reached or asked us to come back later. The rows
    in `pending_ids` are still pending; the task retries them with a backoff."""

    def __init__(self, message: str, pending_ids: list[int]):
        super().__init__(message)
        self.pending_ids = pending_ids


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    busy: list[int] = field(default_factory=list)  # locked by another worker, or done already

    def as_dict(self) -> dict[str, int]:
        return {key: len(value) for key, value in self.__dict__.items()}


def message_domain() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "trec-hub.org"


def message_id_for(notification: Notification) -> str:
    """Stable per row: a resend of the same row carries the same Message-ID."""
    created = int(notification.created_at.timestamp()) if notification.created_at else 0
    return f"<notification.{notification.pk}.{created}@{message_domain()}>"


def is_transient(error: BaseException) -> bool:
    """Connection trouble and 4xx answers are worth retrying; 5xx answers are not."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _msg in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return False
    # The task ran out of time (a very slow server): the rest of the batch is retried.
    return isinstance(error, smtplib.SMTPException | OSError | SoftTimeLimitExceeded)


def language_for(notification: Notification) -> str:
    """The row's language, else the account's preference, else the hub's default."""
    preferred = notification.recipient.preferred_language if notification.recipient_id else ""
    return notification.language or preferred or settings.LANGUAGE_CODE


def render(notification: Notification, kind: NotificationKind):
    """The message for a row, in the recipient's language."""
    language = language_for(notification)
    with translation.override(language):
        outgoing = kind.compose(notification)
        message = build_message(
            to=notification.address,
            subject=outgoing.subject,
            template=outgoing.template or kind.template,
            context=outgoing.context,
            language=language,
            reply_to=outgoing.reply_to,
        )
    for filename, content, mimetype in outgoing.attachments:
        message.attach(filename, content, mimetype)
    message.extra_headers["Message-ID"] = message_id_for(notification)
    message.extra_headers["X-TREC-Notification"] = notification.kind
    if can_unsubscribe(notification, kind):
        message.extra_headers["List-Unsubscribe"] = f"<{unsubscribe_url(notification, kind)}>"
        message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


def check(notification: Notification, kind: NotificationKind) -> None:
    """Raise Skip when the row should not be sent (any more)."""
    recipient = notification.recipient
    if recipient is not None and not recipient.is_active:
        raise Skip("The recipient's account is inactive.")
    if not notification.address:
        raise Skip("The recipient has no e-mail address.")
    if recipient is not None and kind.preference and not getattr(recipient, kind.preference):
        raise Skip(f"The recipient switched this off ({kind.preference}).")
    if recipient is None and kind.optional and is_unsubscribed(notification.email):
        raise Skip("The address unsubscribed.")
    kind.check(notification)


def _finish(pk: int, *, only_if: str | None = None, **fields) -> None:
    rows = Notification.objects.filter(pk=pk)
    if only_if:
        rows = rows.filter(status=only_if)
    rows.update(updated_at=timezone.now(), **fields)


def default_connection():
    """A connection for notifications: EMAIL_BACKEND, with the commit-point SMTP backend
    standing in for Django's (same settings)."""
    return get_connection(backend=backend_for(settings.EMAIL_BACKEND))


class LazyConnection:
    """One mail connection for a whole batch, opened only when a message is due."""

    def __init__(self, factory: Callable = default_connection):
        self.backend = factory()
        self.opened = False

    @property
    def has_commit_point(self) -> bool:
        return isinstance(self.backend, CommitPointBackend)

    def get(self):
        if not self.opened:
            self.backend.open()
            self.opened = True
        return self.backend

    def close(self) -> None:
        if not self.opened:
            return
        self.opened = False
        try:
            self.backend.close()
        except Exception:  # noqa: BLE001 - a broken connection may fail to close
            logger.debug("Closing the mail connection failed", exc_info=True)


def deliver(
    ids: Sequence[int], *, connection_factory: Callable = default_connection
) -> DeliveryReport:
    """Send the pending rows among `ids` over one mail connection.

    Raises TransientDeliveryError (after recording the attempt) when the mail server is
    unreachable; rows not tried yet stay pending, untouched.
    """
    report = DeliveryReport()
    rows = list(
        Notification.objects.filter(pk__in=list(ids), status=PENDING)
        .select_related("recipient")
        .order_by("pk")
    )
    report.busy.extend(sorted(set(ids) - {row.pk for row in rows}))
    if not rows:
        return report
    kinds: dict[str, NotificationKind] = {}
    for code, group in by_kind(rows).items():
        try:
            kinds[code] = get_kind(code)
        except UnknownKind:
            continue
        kinds[code].load(group)  # what every row is about, re-read now, in bulk

    connection = LazyConnection(connection_factory)
    # The commit point needs transactions of our own: not inside a caller's atomic block.
    send_one = (
        _deliver_one_with_commit_point
        if connection.has_commit_point and not transaction.get_connection().in_atomic_block
        else _deliver_one
    )
    try:
        for index, row in enumerate(rows):
            outcome, error = send_one(row, kinds.get(row.kind), connection)
            if outcome == "transient":
                raise TransientDeliveryError(str(error), [r.pk for r in rows[index:]])
            getattr(report, outcome).append(row.pk)
    finally:
        connection.close()
    if report.sent or report.failed:
        logger.info("notifications delivered: %s", report.as_dict())
    return report


def _lock(row: Notification) -> int | None:
    """Lock the row if it is still pending and nobody else holds it: its attempts so far."""
    locked = list(
        Notification.objects.select_for_update(skip_locked=True)
        .filter(pk=row.pk, status=PENDING)
        .values_list("attempts", flat=True)
    )
    return locked[0] if locked else None


def _prepare(row: Notification, kind: NotificationKind | None, attempts: int):
    """Check and render a locked row: (message, None) or (None, outcome) when it is done."""
    if kind is None:
        _finish(
            row.pk,
            status=Notification.Status.FAILED,
            attempts=attempts,
            last_error=f"Unknown kind {row.kind!r}: no such kind is registered.",
        )
        return None, ("failed", None)
    try:
        check(row, kind)
    except Skip as skip:
        _finish(row.pk, status=Notification.Status.SKIPPED, last_error=str(skip))
        return None, ("skipped", None)
    try:
        return render(row, kind), None
    except Exception as error:  # a broken template or kind: this row cannot be sent
        logger.exception("Could not render notification %s", row.pk)
        _finish(
            row.pk,
            status=Notification.Status.FAILED,
            attempts=attempts,
            last_error=f"Could not render: {error!r}"[:2000],
        )
        return None, ("failed", error)


def too_old(row: Notification) -> bool:
    """A message the mail server has refused to take for NOTIFICATIONS_GIVE_UP_HOURS."""
    age = timezone.now() - row.created_at
    return age > datetime.timedelta(hours=settings.NOTIFICATIONS_GIVE_UP_HOURS)


def _send_failed(row, connection, error, attempts, *, only_if=None):
    """Record a failed hand-over: retried later (transient) or given up."""
    transient = is_transient(error)
    give_up = not transient or too_old(row)
    _finish(
        row.pk,
        only_if=only_if,
        status=Notification.Status.FAILED if give_up else PENDING,
        sent_at=None,
        attempts=attempts,
        last_error=f"{type(error).__name__}: {error}"[:2000],
        message_id="",
    )
    if transient:
        connection.close()
    if give_up:
        logger.warning("Notification %s failed: %r", row.pk, error)
        return "failed", error
    return "transient", error


def _accepted_nothing(row, attempts, *, only_if=None):
    _finish(
        row.pk,
        only_if=only_if,
        status=Notification.Status.FAILED,
        sent_at=None,
        attempts=attempts,
        last_error="The mail backend accepted nothing.",
        message_id="",
    )
    return "failed", None


def _deliver_one(row: Notification, kind: NotificationKind | None, connection: LazyConnection):
    """One row in one transaction: lock, re-check, render, send, record.
    Returns (outcome, error), outcome one of sent, skipped, failed, busy, transient."""
    with transaction.atomic():
        attempts = _lock(row)
        if attempts is None:
            return "busy", None
        attempts += 1
        message, done = _prepare(row, kind, attempts)
        if done:
            return done
        # Written now, committed only once the backend has accepted the message.
        _finish(
            row.pk,
            status=Notification.Status.SENT,
            sent_at=timezone.now(),
            attempts=attempts,
            last_error="",
            message_id=message.extra_headers["Message-ID"],
        )
        try:
            accepted = connection.get().send_messages([message])
        except Exception as error:
            return _send_failed(row, connection, error, attempts)
        if not accepted:
            return _accepted_nothing(row, attempts)
    return "sent", None


def _deliver_one_with_commit_point(
    row: Notification, kind: NotificationKind | None, connection: LazyConnection
):
    """One row over SMTP with the commit point (see the module docstring): the lock is
    held until the row is committed as "sending", right before the final "."."""
    transaction.set_autocommit(False)
    try:
        outcome = _hand_over(row, kind, connection)
        transaction.commit()
        return outcome
    except BaseException:
        transaction.rollback()
        raise
    finally:
        transaction.set_autocommit(True)


def _hand_over(row, kind, connection):
    attempts = _lock(row)
    if attempts is None:
        return "busy", None
    attempts += 1
    message, done = _prepare(row, kind, attempts)
    if done:
        return done
    handed_over = False

    def before_final_dot():
        nonlocal handed_over
        _finish(
            row.pk,
            status=Notification.Status.SENDING,
            attempts=attempts,
            last_error="",
            message_id=message.extra_headers["Message-ID"],
        )
        transaction.commit()  # durable before the server can take the message
        handed_over = True

    try:
        backend = connection.get()
        backend.connection.before_final_dot = before_final_dot
        try:
            accepted = backend.send_messages([message])
        finally:
            if backend.connection is not None:
                backend.connection.before_final_dot = None
    except Exception as error:
        # Before the commit point we still hold the lock on the pending row; after it
        # the row is ours as "sending".
        only_if = Notification.Status.SENDING if handed_over else None
        return _send_failed(row, connection, error, attempts, only_if=only_if)
    only_if = Notification.Status.SENDING if handed_over else None
    if not accepted:
        return _accepted_nothing(row, attempts, only_if=only_if)
    _finish(
        row.pk,
        only_if=only_if,
        status=Notification.Status.SENT,
        sent_at=timezone.now(),
        attempts=attempts,
        last_error="",
        message_id=message.extra_headers["Message-ID"],
    )
    return "sent", None
