"""Celery tasks: by id, idempotent (the post's recipient_notified_at is the guard)."""

from celery import shared_task


@shared_task(name="gratitude.notify_recipient", acks_late=True, max_retries=5)
def notify_recipient(post_id: int) -> bool:
    """Tell the recipient of an approved post that someone thanked them."""
    from .services import recipient_notify

    return recipient_notify(post_id=post_id)
