"""Builders for notification tests (the shared factories live in tests/factories.py)."""

import datetime

from django.utils import timezone

from events.models import Event, Registration
from providers import services as providers
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


def published_with_registrant(provider, **kwargs):
    event = factories.EventFactory(provider=provider, **kwargs)
    factories.RegistrationFactory(event=event, user=factories.EducatorFactory(email="ed@x.org"))
    return event


def offering_request(provider):
    offering = factories.OfferingFactory(provider=provider, durations=[("45-minute PD", 45)])
    return providers.request_submit(
        provider=provider,
        offering=offering,
        duration=offering.durations.get(),
        school_name="Borton Magnet Elementary",
        district=None,
        contact_name="Maria Lopez",
        contact_email="ml@school.org",
        audience_size=40,
        preferred_dates=[(timezone.localdate() + datetime.timedelta(days=10), "morning")],
        language="es",
    )
