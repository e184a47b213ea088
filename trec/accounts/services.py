from django.db import transaction
from django.utils import timezone

from .models import User, new_calendar_token


@transaction.atomic
def profile_save(*, form) -> User:
    """Save an educator's profile form; the first save completes onboarding."""
    user: User = form.save(commit=False)
    if user.onboarded_at is None:
        user.onboarded_at = timezone.now()
    user.save()
    form.save_m2m()
    return user


@transaction.atomic
def calendar_token_reset(*, user: User) -> str:
    """Give the user a new private calendar-feed token; the old feed URL stops working."""
    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    return user.calendar_token
