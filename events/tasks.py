"""Celery tasks for the catalog: thin and idempotent."""

from celery import shared_task

from .services import next_sessions_refresh


@shared_task(name="events.refresh_next_sessions")
def refresh_next_sessions() -> int:
    """Move on the stored next session of events whose next session has just ended
    (Celery beat, every minute): the catalog's dates, "Soonest first" and date filters
    read it. Running it twice changes nothing the second time."""
    return next_sessions_refresh()
