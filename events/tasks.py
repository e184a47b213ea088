"""Celery tasks for the catalog: thin and idempotent."""

from celery import shared_task

from .notifications import digest_enqueue_weekly, followups_enqueue_due
from .review_mail import digest_enqueue
from .services import listed_titles_refresh, next_sessions_refresh


@shared_task(name="events.refresh_next_sessions")
def refresh_next_sessions() -> int:
    """Move on the stored next session of events whose next session has just ended
    (Celery beat, every minute): the catalog's dates, "Soonest first" and date filters
    read it. The search box's suggested titles (events.models.ListedTitle) follow what
    is listed then. Running it twice changes nothing the second time."""
    moved = next_sessions_refresh()
    listed_titles_refresh()
    return moved


@shared_task(name="events.enqueue_review_digest", acks_late=True)
def enqueue_review_digest() -> int:
    """The coordinators' daily digest of listings to review (once a day per person:
    the outbox key holds the day)."""
    return digest_enqueue()


@shared_task(name="events.enqueue_followups", acks_late=True)
def enqueue_followups() -> int:

    return followups_enqueue_due()


@shared_task(name="events.enqueue_weekly_digest", acks_late=True)
def enqueue_weekly_digest() -> int:

    return digest_enqueue_weekly()
