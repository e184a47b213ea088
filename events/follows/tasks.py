"""Celery tasks: thin, by id, idempotent (a listing is matched once)."""

from celery import shared_task

from .services import alerts_enqueue_due, listing_match


@shared_task(name="follows.match_listing", acks_late=True)
def match_listing(event_id: int) -> int:
    """Match a newly published listing against every saved search and follow."""

    return listing_match(event_id=event_id)


@shared_task(name="follows.enqueue_due_alerts", acks_late=True)
def enqueue_due_alerts() -> int:
    """Daily and weekly alert e-mails, and matches that wait for their next period."""

    return alerts_enqueue_due()
