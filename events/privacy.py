"""An educator's registrations, saved events and registration-link clicks (trec.privacy)."""

from django.db.models import Prefetch

from trec import privacy

from .models import Attendance, OutboundClick, Registration, SavedEvent
from .services import ACTIVE, registration_cancel


@privacy.section("registrations", order=10)
def registrations(user) -> list[dict]:
    rows = (
        Registration.objects.filter(user=user)
        .select_related("event", "event__provider")
        .prefetch_related(
            Prefetch(
                "attendances",
                queryset=Attendance.objects.select_related("session").order_by(
                    "session__starts_at"
                ),
            )
        )
        .order_by("created_at", "pk")
    )
    return [
        privacy.record(
            event=registration.event.title,
            provider=registration.event.provider.name,
            starts=registration.event.starts_at,
            status=registration.get_status_display(),
            registered=registration.created_at,
            confirmed=registration.confirmed_at,
            cancelled=registration.cancelled_at,
            completion_verified=registration.completed_at,
            sessions_attended=", ".join(
                attendance.session.starts_at.isoformat()
                for attendance in registration.attendances.all()
            ),
        )
        for registration in rows
    ]


@privacy.section("saved_events", order=80)
def saved_events(user) -> list[dict]:
    saved = SavedEvent.objects.filter(user=user).select_related("event").order_by("created_at")
    return [privacy.record(event=item.event.title, saved=item.created_at) for item in saved]


@privacy.section("registration_link_clicks", order=90)
def outbound_clicks(user) -> list[dict]:
    clicks = OutboundClick.objects.filter(user=user).select_related("event").order_by("created_at")
    return [privacy.record(event=click.event.title, at=click.created_at) for click in clicks]


@privacy.eraser(order=privacy.GIVE_UP_PLACES)
def give_up_seats(user, *, now) -> None:
    """Seats in events not yet over go back (and, for programs, the session choices),
    through the same service as a cancellation, so whoever waits is promoted now.
    Past registrations stay: the impact report's history."""
    held = Registration.objects.filter(
        user=user, status__in=ACTIVE, completed_at__isnull=True
    ).select_related("event")
    for registration in held:
        if not registration.event.is_past:
            registration_cancel(registration=registration)


@privacy.eraser()
def forget_saves_and_clicks(user, *, now) -> None:
    SavedEvent.objects.filter(user=user).delete()
    OutboundClick.objects.filter(user=user).update(user=None)
