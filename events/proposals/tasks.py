"""Celery tasks: thin and idempotent (the ledger sync writes only differences)."""

from celery import shared_task

from .services import presenter_credits_sync_due


@shared_task(name="proposals.presenter_credits", acks_late=True)
def presenter_credits() -> int:
    """Presenter hours for sessions that ended recently (celery beat, hourly)."""

    return presenter_credits_sync_due()
