"""Sending outbox rows: at most one worker per row, marked sent only once accepted.

For every row: take its row lock (``SELECT … FOR UPDATE SKIP LOCKED``) while it is
still pending, decide again whether it applies, render it in the recipient's
language, hand it to the mail backend and mark it sent, all in a transaction of its
own. A row another worker holds is left alone; a row already sent or skipped is
never picked. Many rows share one mail connection, opened once.

What stays open is the moment between the mail server accepting a message and our
commit: a worker killed exactly then leaves a pending row for a message that went
out. Each row is committed on its own right after acceptance, so the gap is one
statement long, and every message carries a Message-ID derived from its row, so a
receiver (and the bench's sink) can recognise a repeat.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone, translation

from trec.mail import build_message

from .kinds import by_kind
from .models import Notification
from .registry import NotificationKind, Skip, UnknownKind, get_kind

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
    return isinstance(error, smtplib.SMTPException | OSError)


def render(notification: Notification, kind: NotificationKind):
    """The message for a row, in the recipient's preferred language."""
    recipient = notification.recipient
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        outgoing = kind.compose(notification)
        message = build_message(
            to=recipient.email,
            subject=outgoing.subject,
            template=kind.template,
            context=outgoing.context,
        )
    for filename, content, mimetype in outgoing.attachments:
        message.attach(filename, content, mimetype)
    message.extra_headers["Message-ID"] = message_id_for(notification)
    message.extra_headers["X-TREC-Notification"] = notification.kind
    return message


def check(notification: Notification, kind: NotificationKind) -> None:
    """Raise Skip when the row should not be sent (any more)."""
    recipient = notification.recipient
    if not recipient.is_active or not recipient.email:
        raise Skip("The recipient's account is inactive or has no e-mail address.")
    if kind.preference and not getattr(recipient, kind.preference):
        raise Skip(f"The recipient switched this off ({kind.preference}).")
    kind.check(notification)


def _finish(pk: int, **fields) -> None:
    Notification.objects.filter(pk=pk).update(updated_at=timezone.now(), **fields)


class LazyConnection:
    """One mail connection for a whole batch, opened only when a message is due."""

    def __init__(self, factory: Callable = get_connection):
        self.factory = factory
        self.connection = None

    def get(self):
        if self.connection is None:
            connection = self.factory()
            connection.open()
            self.connection = connection
        return self.connection

    def close(self) -> None:
        if self.connection is None:
            return
        try:
            self.connection.close()
        except Exception:  # noqa: BLE001 - a broken connection may fail to close
            logger.debug("Closing the mail connection failed", exc_info=True)
        self.connection = None


def deliver(ids: Sequence[int], *, connection_factory: Callable = get_connection) -> DeliveryReport:
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
    kinds: dict[str, NotificationKind] = {}
    for code, group in by_kind(rows).items():
        try:
            kinds[code] = get_kind(code)
        except UnknownKind:
            continue
        kinds[code].load(group)  # what every row is about, re-read now, in bulk

    connection = LazyConnection(connection_factory)
    try:
        for index, row in enumerate(rows):
            outcome, error = _deliver_one(row, kinds.get(row.kind), connection)
            if outcome == "transient":
                raise TransientDeliveryError(str(error), [r.pk for r in rows[index:]])
            getattr(report, outcome).append(row.pk)
    finally:
        connection.close()
    if report.sent or report.failed:
        logger.info("notifications delivered: %s", report.as_dict())
    return report


def _deliver_one(row: Notification, kind: NotificationKind | None, connection: LazyConnection):
    """One row in its own transaction: lock, re-check, render, send, record.
    Returns (outcome, error), outcome one of sent, skipped, failed, busy, transient."""
    with transaction.atomic():
        locked = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=row.pk, status=PENDING)
            .values_list("attempts", flat=True)
        )
        if not locked:
            return "busy", None
        attempts = locked[0] + 1
        if kind is None:
            _finish(
                row.pk,
                status=Notification.Status.FAILED,
                attempts=attempts,
                last_error=f"Unknown kind {row.kind!r}: no such kind is registered.",
            )
            return "failed", None
        try:
            check(row, kind)
        except Skip as skip:
            _finish(row.pk, status=Notification.Status.SKIPPED, last_error=str(skip))
            return "skipped", None
        try:
            message = render(row, kind)
        except Exception as error:  # a broken template or kind: this row cannot be sent
            logger.exception("Could not render notification %s", row.pk)
            _finish(
                row.pk,
                status=Notification.Status.FAILED,
                attempts=attempts,
                last_error=f"Could not render: {error!r}"[:2000],
            )
            return "failed", error
        try:
            accepted = connection.get().send_messages([message])
        except Exception as error:
            transient = is_transient(error)
            give_up = not transient or attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS
            _finish(
                row.pk,
                status=Notification.Status.FAILED if give_up else PENDING,
                attempts=attempts,
                last_error=f"{type(error).__name__}: {error}"[:2000],
            )
            if transient:
                connection.close()
            if give_up:
                logger.warning("Notification %s failed: %r", row.pk, error)
                return "failed", error
            return "transient", error
        if not accepted:
            _finish(
                row.pk,
                status=Notification.Status.FAILED,
                attempts=attempts,
                last_error="The mail backend accepted nothing.",
            )
            return "failed", None
        # Accepted: record it at once, in the same transaction that holds the lock.
        _finish(
            row.pk,
            status=Notification.Status.SENT,
            sent_at=timezone.now(),
            attempts=attempts,
            last_error="",
            message_id=message.extra_headers["Message-ID"],
        )
    return "sent", None
