"""Celery tasks: by id, idempotent (the request update's emailed_at is the guard)."""

from celery import shared_task


@shared_task(
    name="providers.email_requester",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=5,
)
def email_requester(update_id: int) -> bool:
    """Tell a school contact what just happened to their on-site request."""
    from .services import requester_email

    return requester_email(update_id=update_id)


@shared_task(name="providers.sweep_requester_emails", acks_late=True)
def sweep_requester_emails() -> int:
    """Beat: re-queue school e-mails that did not go out (idempotent: emailed_at guards)."""
    from .services import requester_emails_sweep

    return requester_emails_sweep()
