"""Celery tasks: small, by id, idempotent. The row's status is the guard, so a task
delivered twice, retried, or run by two workers at once sends a message only once."""

import random

from celery import shared_task
from celery.utils.log import get_task_logger

from .delivery import TransientDeliveryError, deliver
from .services import outbox_sweep, reminders_enqueue_due

logger = get_task_logger(__name__)

RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 60 * 60


def backoff(retries: int) -> int:
    """30 s, 1 min, 2 min, 4 min … capped at an hour, with jitter."""
    delay = min(RETRY_BASE_SECONDS * 2**retries, RETRY_MAX_SECONDS)
    return int(delay / 2 + random.uniform(0, delay / 2))


def _send(task, ids: list[int], *, batch: bool) -> dict:

    try:
        return deliver(ids).as_dict()
    except TransientDeliveryError as error:
        logger.warning("Mail server unavailable, retrying %d notification(s): %s", len(ids), error)
        # The rows are still pending; the sweep would also find them if retries run out.
        args = (error.pending_ids,) if batch else (ids[0],)
        raise task.retry(args=args, countdown=backoff(task.request.retries), exc=error) from error


@shared_task(bind=True, name="notifications.send", acks_late=True, max_retries=5)
def send_notification(self, notification_id: int) -> dict:
    """Send one outbox row (a confirmation, a waiting-list offer…)."""
    return _send(self, [notification_id], batch=False)


@shared_task(bind=True, name="notifications.send_batch", acks_late=True, max_retries=5)
def send_notification_batch(self, notification_ids: list[int]) -> dict:
    """Send many outbox rows over one mail connection (fan-out: reminders, cancellations)."""
    return _send(self, list(notification_ids), batch=True)


@shared_task(name="notifications.enqueue_due_reminders", acks_late=True)
def enqueue_due_reminders() -> int:

    return reminders_enqueue_due()


@shared_task(name="notifications.sweep_outbox", acks_late=True)
def sweep_outbox() -> int:

    return outbox_sweep()
