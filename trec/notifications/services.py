"""Writing to the outbox and handing rows to Celery.

Every message is first a Notification row, written in the caller's transaction with
a unique key, so asking twice never makes two messages. Once the transaction
commits, the rows are handed to the broker by id (one task per message, or batches
for fan-out). When the broker is down the hand-off is logged and skipped: the row
stays pending and the sweep (every minute, on beat) hands it over again later, so a
registration never fails because Redis is away.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from celery import current_app
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from trec.mail import build_message
from trec.queue import task_enqueue

from . import kinds
from .models import Notification, StaffMessage
from .registry import get_kind, reminder_kinds

if TYPE_CHECKING:
    from .staff_messages import StaffMessageGroup

logger = logging.getLogger(__name__)

PENDING = Notification.Status.PENDING


# --- Hand-off to Celery -------------------------------------------------------------


def _chunks(ids: Sequence[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def notifications_dispatch(ids: Iterable[int]) -> int:
    """Hand these rows to the broker now: one task per row, or batch tasks of
    NOTIFICATIONS_BATCH_SIZE ids (one mail connection each). Returns how many rows
    were handed over; on a broker error the rest stay pending for the sweep."""
    ids = sorted(set(ids))
    handed = 0
    for chunk in _chunks(ids, max(1, settings.NOTIFICATIONS_BATCH_SIZE)):
        if len(chunk) == 1:
            handed_over = task_enqueue("notifications.send", chunk[0])
        else:
            handed_over = task_enqueue("notifications.send_batch", chunk)
        if not handed_over:
            logger.warning(
                "%d notification(s) wait in the outbox for the sweep.", len(ids) - handed
            )
            break
        Notification.objects.filter(pk__in=chunk).update(enqueued_at=timezone.now())
        handed += len(chunk)
    return handed


def enqueue_on_commit(ids: list[int]) -> None:
    """Hand these outbox rows to the workers once the current transaction commits (at
    once outside one). The only way a message leaves: a broker or mail server that is
    down never fails the caller; the rows wait, pending, for the sweep."""
    if ids:
        # A named function, not functools.partial: a robust hook that fails is logged
        # by its __qualname__, which a partial lacks (the failure became a 500).
        def dispatch_after_commit() -> None:
            notifications_dispatch(ids)

        transaction.on_commit(dispatch_after_commit, robust=True)


# --- Writing to the outbox ----------------------------------------------------------


def _content_type(model_or_obj) -> ContentType:
    return ContentType.objects.get_for_model(model_or_obj)


@transaction.atomic
def notification_enqueue(
    *,
    kind: str,
    subject,
    recipient=None,
    email: str = "",
    language: str = "",
    window: str = "",
    data: dict | None = None,
) -> tuple[Notification, bool]:
    """Put one message in the outbox (once: the same key finds the same row) and hand it
    to Celery when the transaction commits. `recipient` is a user or a user id; without
    one, `email` is a bare address (written in `language`, else the hub's default); with
    one, `email` sends the account's message to another address. Returns (row, created)."""
    get_kind(kind)  # fail loudly on a typo, not later in a worker
    recipient_id = getattr(recipient, "pk", recipient)
    if recipient_id is None and not email:
        raise ValueError("A notification needs a recipient or an address.")
    key = {"recipient_id": recipient_id} if recipient_id else {"recipient": None, "email": email}
    notification, created = Notification.objects.get_or_create(
        **key,
        kind=kind,
        content_type=_content_type(subject) if subject is not None else None,
        object_id=getattr(subject, "pk", None),
        window=window,
        defaults={"data": data or {}, "email": email, "language": language},
    )
    if created:
        enqueue_on_commit([notification.pk])
    return notification, created


def notifications_enqueue_many(
    *,
    kind: str,
    model,
    rows: Iterable[tuple[int, int, str]],
    data: dict | None = None,
) -> list[int]:
    """Fan-out: one row per (recipient_id, object_id, window) in one INSERT, skipping
    keys already in the outbox. Returns the ids of the pending rows handed over on commit
    (the new ones, and any earlier ones whose hand-off never happened)."""
    get_kind(kind)
    content_type = _content_type(model)
    objects = [
        Notification(
            recipient_id=recipient_id,
            kind=kind,
            content_type=content_type,
            object_id=object_id,
            window=window,
            data=data or {},
        )
        for recipient_id, object_id, window in rows
    ]
    if not objects:
        return []
    with transaction.atomic():
        Notification.objects.bulk_create(objects, ignore_conflicts=True)
        pending = Notification.objects.filter(
            kind=kind, content_type=content_type, status=PENDING, enqueued_at__isnull=True
        )
        object_ids = {o.object_id for o in objects}
        if len(object_ids) <= 500:
            pending = pending.filter(object_id__in=object_ids)
        ids = list(pending.order_by("pk").values_list("pk", flat=True))
        enqueue_on_commit(ids)
    return ids


def notifications_enqueue_select(*, kind: str, model, select: str, params: Sequence) -> list[int]:
    """Set-based fan-out (PostgreSQL): one outbox row per row of the SQL `select`, which
    yields (recipient_id, object_id, window, data as jsonb), in one INSERT ... SELECT, so
    the rows never leave the database; keys already in the outbox are skipped. Returns
    the new rows' ids, handed over on commit."""
    get_kind(kind)
    now = timezone.now()
    sql = (
        'INSERT INTO notifications_notification (recipient_id, object_id, "window", data, '  # noqa: S608 - the caller's fixed SQL
        "kind, content_type_id, email, language, status, attempts, last_error, message_id, "
        "created_at, updated_at) SELECT picked.*, %s, %s, '', '', %s, 0, '', '', %s, %s "
        f'FROM ({select}) AS picked(recipient_id, object_id, "window", data) '
        "ON CONFLICT DO NOTHING RETURNING id"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [kind, _content_type(model).pk, PENDING, now, now, *params])
        ids = sorted(row[0] for row in cursor.fetchall())
        enqueue_on_commit(ids)
    return ids


@transaction.atomic
def staff_message_send(
    *,
    about,
    sender,
    subject: str,
    body: str,
    audience: str,
    recipient_ids: Sequence[int],
    reply_to: str = "",
) -> StaffMessage:
    """Staff write to the people of an event or a community: the message is logged
    (what, by whom, to how many) and each recipient's copy is an outbox row."""
    message = StaffMessage.objects.create(
        content_type=_content_type(about),
        object_id=about.pk,
        sender=sender,
        audience=audience,
        subject=subject.strip(),
        body=body,
        reply_to=reply_to,
        recipient_count=len(set(recipient_ids)),
    )
    notifications_enqueue_many(
        kind=kinds.StaffMessageKind.code,
        model=StaffMessage,
        rows=[(user_id, message.pk, "") for user_id in sorted(set(recipient_ids))],
    )
    return message


def staff_message_draft(
    *, group: StaffMessageGroup, subject: str, body: str, sender, audience: str
) -> StaffMessage:
    """The message as it would be sent (unsaved): replies go where the group says (an
    event's provider contact, else the sender)."""
    return StaffMessage(
        about=group.about,
        sender=sender,
        subject=subject,
        body=body,
        audience=audience,
        reply_to=group.reply_to,
    )


@transaction.atomic
def staff_message_write(
    *, group: StaffMessageGroup, subject: str, body: str, sender, audience: str
) -> StaffMessage:
    """Staff write to one audience of a group (or only to themselves for a test): the
    message joins the group's log and each copy is an outbox row, in one transaction."""
    if audience == StaffMessage.Audience.TEST:
        recipient_ids = [sender.pk]
    else:
        recipient_ids = group.recipient_ids(audience)
    return staff_message_send(
        about=group.about,
        sender=sender,
        subject=subject,
        body=body,
        audience=audience,
        recipient_ids=recipient_ids,
        reply_to=group.reply_to,
    )


def staff_message_preview(*, message: StaffMessage, user):
    """The message as `user` would get it (not saved, not sent): (text, html)."""
    kind = get_kind(kinds.StaffMessageKind.code)
    email = build_message(
        to=user.email,
        subject=message.subject,
        template=kind.template,
        context={"user": user} | kinds.staff_message_context(message),
        reply_to=message.reply_to,
    )
    return email.body, email.alternatives[0][0]


# --- Periodic work (beat) ------------------------------------------------------------


@transaction.atomic
def reminders_enqueue_due(*, now: datetime.datetime | None = None) -> int:
    """Every reminder due now, for every reminder kind (event sessions today; CoP meetings
    once communities register theirs), in a fixed number of queries whatever the count."""
    now = now or timezone.now()
    pending: list[int] = []
    for kind in reminder_kinds():
        objects = []
        content_type = _content_type(kind.model)
        for window, rows in kind.due(now=now):
            objects.extend(
                Notification(
                    recipient_id=recipient_id,
                    kind=kind.code,
                    content_type=content_type,
                    object_id=object_id,
                    window=window,
                )
                for recipient_id, object_id in rows
            )
        if objects:
            Notification.objects.bulk_create(objects, ignore_conflicts=True)
        # The new rows, and any whose hand-off failed before (the broker was down).
        pending += Notification.objects.filter(
            kind=kind.code, status=PENDING, enqueued_at__isnull=True
        ).values_list("pk", flat=True)
    enqueue_on_commit(pending)
    return len(pending)


UNCONFIRMED = (
    "Unconfirmed: the worker stopped after handing the message to the mail server and "
    "before hearing back, so it was most likely delivered and is not sent again. "
    "Resend it if it never arrived."
)


def notifications_unconfirmed_close(*, now: datetime.datetime | None = None) -> int:
    """Rows left "sending" by a worker that died between the final "." and the server's
    answer: never sent again automatically (that could send twice); they become failures
    a coordinator can check and resend."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.NOTIFICATIONS_UNCONFIRMED_AFTER_SECONDS)
    closed = Notification.objects.filter(
        status=Notification.Status.SENDING, updated_at__lt=cutoff
    ).update(status=Notification.Status.FAILED, last_error=UNCONFIRMED, updated_at=now)
    if closed:
        logger.warning("outbox sweep: %d notification(s) unconfirmed after a worker died", closed)
    return closed


def broker_backlog() -> int:
    """Messages waiting in the default queue (0 when unknown or running in-process)."""
    app = current_app
    if app.conf.task_always_eager:
        return 0
    try:
        with app.connection_for_read() as connection:
            declared = connection.default_channel.queue_declare(
                queue=app.conf.task_default_queue, passive=True
            )
            return declared.message_count
    except Exception:  # noqa: BLE001 - the sweep must run even when the broker is odd
        return 0


def outbox_sweep(*, now: datetime.datetime | None = None) -> int:
    """Hand over again the pending rows whose hand-off is older than
    NOTIFICATIONS_RETRY_AFTER_SECONDS: the ones that never reached the broker (it was
    down) and the ones whose task was lost (a worker killed with the message in hand).
    While the broker still has a backlog, rows that did reach it are left to it.
    Two sweeps at once, or a sweep and a late task, never send twice: the sender locks."""
    now = now or timezone.now()
    notifications_unconfirmed_close(now=now)
    cutoff = now - datetime.timedelta(seconds=settings.NOTIFICATIONS_RETRY_AFTER_SECONDS)
    never_handed = Q(enqueued_at__isnull=True, created_at__lt=cutoff)
    stale = Q(enqueued_at__lt=cutoff)
    due = never_handed if broker_backlog() else never_handed | stale
    ids = list(
        Notification.objects.filter(due, status=PENDING)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[: settings.NOTIFICATIONS_SWEEP_LIMIT]
    )
    if ids:
        logger.info("outbox sweep: handing %d pending notification(s) to the broker", len(ids))
    return notifications_dispatch(ids)


@transaction.atomic
def notifications_resend(*, notifications) -> tuple[int, int]:
    """A coordinator's "resend": failed, skipped or stuck rows go back to pending with a
    fresh count of attempts and are handed over on commit (they are checked again before
    sending). Sent rows, and rows a worker is handing over right now, are left alone.
    Returns (queued, left_alone)."""
    rows = list(notifications.select_for_update().values_list("pk", "status"))
    busy = (Notification.Status.SENT, Notification.Status.SENDING)
    ids = [pk for pk, status in rows if status not in busy]
    Notification.objects.filter(pk__in=ids).update(
        status=PENDING, attempts=0, last_error="", enqueued_at=None, updated_at=timezone.now()
    )
    enqueue_on_commit(ids)
    return len(ids), len(rows) - len(ids)
