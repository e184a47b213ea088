"""Reads shared by the educator's pages (/me/, the private calendar feed)."""

import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, Value
from django.utils import timezone

from .models import Event, EventSession, Registration, SavedEvent, SessionChoice

FEED_HISTORY = datetime.timedelta(days=60)


def my_registrations(user) -> dict:
    """Upcoming, waiting, pending and past registrations of one educator: one query."""
    registrations = (
        Registration.objects.filter(user=user)
        .exclude(status__in=[Registration.Status.CANCELLED, Registration.Status.DECLINED])
        .select_related("event", "event__provider")
        .with_waitlist_position()
        .order_by(F("event__starts_at").asc(nulls_last=True), "event__title")
    )
    sections = {"upcoming": [], "waiting": [], "pending": [], "past": []}
    for registration in registrations:
        event = registration.event
        over = event.is_past
        if registration.status == Registration.Status.WAITLISTED and not over:
            sections["waiting"].append(registration)
        elif registration.status == Registration.Status.PENDING and not over:
            sections["pending"].append(registration)
        elif registration.status == Registration.Status.CONFIRMED:
            sections["past" if over else "upcoming"].append(registration)
    sections["past"].reverse()  # most recent first
    return sections


def my_saved_events(user) -> list[SavedEvent]:
    return list(
        SavedEvent.objects.filter(user=user)
        .filter(event__status=Event.Status.PUBLISHED)
        .select_related("event", "event__provider")
    )


def suggested_for(user, *, limit: int = 4) -> list[Event]:
    """ "For you" on /me/: upcoming listings for the grade bands or topics in the person's
    profile that they have not registered for or saved, the ones most colleagues from
    their district have registered for first, then the soonest. One query."""
    GradeLink, TopicLink = Event.grade_bands.through, Event.topics.through
    mine = {
        "grade": user.grade_bands.through.objects.filter(user=user).values("gradeband_id"),
        "topic": user.interests.through.objects.filter(user=user).values("topic_id"),
    }
    fits = Exists(
        GradeLink.objects.filter(event=OuterRef("pk"), gradeband_id__in=mine["grade"])
    ) | Exists(TopicLink.objects.filter(event=OuterRef("pk"), topic_id__in=mine["topic"]))
    taken = Exists(Registration.objects.filter(event=OuterRef("pk"), user=user)) | Exists(
        SavedEvent.objects.filter(event=OuterRef("pk"), user=user)
    )
    colleagues = Count(
        "registrations",
        filter=Q(
            registrations__status=Registration.Status.CONFIRMED,
            registrations__user__district_id=user.district_id,
        ),
    )
    return list(
        Event.objects.listed()
        .filter(fits, starts_at__gte=timezone.now())
        .exclude(taken)
        .annotate(colleagues=colleagues if user.district_id else Value(0))
        .select_related("provider")
        .order_by("-colleagues", "starts_at", "pk")[:limit]
    )


def my_feed_sessions(user):
    """Sessions for a person's private calendar feed: confirmed registrations, recent and
    upcoming, plus cancelled events so calendars can strike them through."""
    since = timezone.now() - FEED_HISTORY
    # Programs: only the sessions in the person's schedule, once they have chosen any.
    mine = SessionChoice.objects.filter(
        registration__user=user, status=SessionChoice.Status.CONFIRMED
    )
    return (
        EventSession.objects.filter(
            event__registrations__user=user,
            event__registrations__status=Registration.Status.CONFIRMED,
            ends_at__gte=since,
        )
        .filter(Q(event__status=Event.Status.PUBLISHED) | Q(event__status=Event.Status.CANCELLED))
        .filter(
            ~Q(event__kind=Event.Kind.PROGRAM)
            | Exists(mine.filter(session=OuterRef("pk")))
            | ~Exists(mine.filter(session__event=OuterRef("event")))
        )
        .select_related("event", "event__provider")
        .order_by("starts_at")
    )
