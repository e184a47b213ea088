"""Builders for notification tests (the shared factories live in tests/factories.py)."""

import datetime

from django.utils import timezone

from events.models import Event, Registration
from tests import factories
from trec.notifications.models import Notification


def event_starting_in(delta: datetime.timedelta, *, hours: float = 2, **kwargs) -> Event:
    """A published event with one session starting `delta` from now."""
    start = (timezone.now() + delta).replace(microsecond=0)
    return factories.EventFactory(
        sessions=[(start, start + datetime.timedelta(hours=hours))], **kwargs
    )


def confirmed(event: Event, user=None, *, registered_ago=datetime.timedelta(days=30), **kwargs):
    """A confirmed registration made `registered_ago` (long before any reminder window)."""
    at = timezone.now() - registered_ago
    registration = factories.RegistrationFactory(
        event=event,
        user=user or factories.EducatorFactory(**kwargs),
        status=Registration.Status.CONFIRMED,
        confirmed_at=at,
    )
    Registration.objects.filter(pk=registration.pk).update(created_at=at)
    return registration


def rows(**filters):
    return list(Notification.objects.filter(**filters).order_by("pk"))
