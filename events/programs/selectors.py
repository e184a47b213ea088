"""Reads for programs (summits, conferences, series): the public schedule grid, the
educator's own schedule, the check-in desk and per-session attendance lists (who may
reach them: events.access). Each page reads in a fixed number of queries, whatever the
number of sessions or people."""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from events.access import access_program_for_viewer
from events.models import Attendance, Event, EventSession, ExpoBooth, Registration, SessionChoice
from trec.i18n import localized

# --- Sessions with seats ---------------------------------------------------------------


def _queue_position():
    """1-based place in the session's waiting list, as a subquery annotation."""
    ahead = (
        SessionChoice.objects.filter(
            session=OuterRef("session"),
            status=SessionChoice.Status.WAITLISTED,
            queue_number__lt=OuterRef("queue_number"),
        )
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(ahead), 0) + 1


def sessions_with_seats(event: Event):
    return (
        EventSession.objects.filter(event=event)
        # A session from an accepted proposal shows its presenters' photos and bios.
        .select_related("featured_provider", "proposal")
        .prefetch_related("proposal__presenters__user")
        .annotate(
            confirmed_count=Count(
                "choices", filter=Q(choices__status=SessionChoice.Status.CONFIRMED)
            ),
            waiting_count=Count(
                "choices", filter=Q(choices__status=SessionChoice.Status.WAITLISTED)
            ),
        )
        .order_by("starts_at", "location", "pk")
    )


def my_choices(registration: Registration | None) -> dict[int, SessionChoice]:
    if registration is None:
        return {}
    rows = SessionChoice.objects.filter(registration=registration).annotate(
        position=_queue_position()
    )
    return {choice.session_id: choice for choice in rows}


def viewer_registration(*, event: Event, user) -> Registration | None:
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.filter(event=event, user=user)
        .exclude(status__in=[Registration.Status.CANCELLED, Registration.Status.DECLINED])
        .first()
    )


# --- The public schedule grid -------------------------------------------------------------


@dataclass
class Slot:
    starts_at: object
    ends_at: object
    cells: list  # one list of sessions per room, in room order
    plenary: EventSession | None = None  # the slot's only session: spans every room


@dataclass
class Schedule:
    event: Event
    sessions: list[EventSession]
    registration: Registration | None
    choices: dict[int, SessionChoice]
    rooms: list[str] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)

    @property
    def can_choose(self) -> bool:
        return (
            self.registration is not None
            and self.registration.status == Registration.Status.CONFIRMED
            and self.event.status == Event.Status.PUBLISHED
            and not self.event.is_past
        )

    @cached_property
    def days(self) -> list:
        """[(date, [slots])]: a program may run over several days."""
        by_day = defaultdict(list)
        for slot in self.slots:
            by_day[timezone.localdate(slot.starts_at)].append(slot)
        return sorted(by_day.items())

    @cached_property
    def spotlight(self) -> list[EventSession]:
        return [s for s in self.sessions if s.featured_provider_id]


def _decorate(sessions, choices) -> None:
    """Each session's room, the viewer's choice of it, and (when they have not chosen it)
    the session already in their schedule it overlaps, so the page says so next to it
    before they tap: choosing it would be refused (events.programs.services.session_choose)."""
    for session in sessions:
        session.my_choice = choices.get(session.pk)
        session.room = localized(session, "location") or _("Room to be announced")
    chosen = [session for session in sessions if session.my_choice is not None]
    for session in sessions:
        session.clashes_with = None
        if session.my_choice is None:
            session.clashes_with = next((c for c in chosen if c.overlaps(session)), None)


def schedule_page(*, slug: str, user) -> Schedule:
    """The program's sessions by time slot and room, with seats left and the viewer's own
    choices: four queries (event, sessions, registration, choices)."""
    event = access_program_for_viewer(user=user, slug=slug)
    sessions = list(sessions_with_seats(event))
    registration = viewer_registration(event=event, user=user)
    choices = my_choices(registration)
    _decorate(sessions, choices)
    by_slot: dict[tuple, list] = defaultdict(list)
    for session in sessions:
        by_slot[(session.starts_at, session.ends_at)].append(session)
    # Rooms are the columns of the parallel sessions; a slot with a single session (a
    # keynote, lunch) spans every column. A program of single sessions is one column.
    rooms = sorted({s.room for in_slot in by_slot.values() if len(in_slot) > 1 for s in in_slot})
    spans = bool(rooms)
    if not spans:
        rooms = sorted({session.room for session in sessions})
    slots = []
    for (starts_at, ends_at), in_slot in sorted(by_slot.items()):
        if spans and len(in_slot) == 1:
            slots.append(Slot(starts_at, ends_at, [], plenary=in_slot[0]))
            continue
        cells = [[s for s in in_slot if s.room == room] for room in rooms]
        slots.append(Slot(starts_at, ends_at, cells))
    return Schedule(event, sessions, registration, choices, rooms, slots)


# --- My schedule -----------------------------------------------------------------------------


def my_schedule_page(*, event: Event, user) -> Schedule:
    sessions = list(sessions_with_seats(event))
    registration = viewer_registration(event=event, user=user)
    choices = my_choices(registration)
    _decorate(sessions, choices)
    return Schedule(event, sessions, registration, choices)


def my_chosen_sessions(*, event: Event, user) -> list[EventSession]:
    """Sessions confirmed in the user's schedule, for their calendar file."""
    return list(
        EventSession.objects.filter(
            event=event,
            choices__registration__user=user,
            choices__registration__status=Registration.Status.CONFIRMED,
            choices__status=SessionChoice.Status.CONFIRMED,
        )
        .select_related("event", "event__provider")
        .order_by("starts_at")
    )


# --- The expo and the program page -------------------------------------------------------------


def expo_booths(event: Event) -> list[ExpoBooth]:
    return list(event.expo_booths.select_related("provider").order_by("booth", "provider__name"))


# --- The check-in desk -----------------------------------------------------------------------


def _with_name(queryset):
    return queryset.select_related("user").order_by(
        "user__last_name", "user__first_name", "user__email"
    )


def check_in_list(*, event: Event, query: str = ""):
    """Confirmed registrations, optionally matching a name or e-mail (every word must
    match): one query."""
    rows = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
    for word in query.split()[:5]:
        rows = rows.filter(
            Q(user__email__icontains=word)
            | Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
        )
    return list(_with_name(rows))


def check_in_counts(event: Event) -> dict:
    return Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).aggregate(
        confirmed=Count("pk"),
        checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
    )


def session_attendance_list(*, session: EventSession, query: str = "") -> list[Registration]:
    """Confirmed registrants for a session's attendance list: those who chose it first,
    then everyone else (walk-ins), each with `chose` and `attended` flags: one query."""
    rows = Registration.objects.filter(
        event_id=session.event_id, status=Registration.Status.CONFIRMED
    ).annotate(
        chose=Exists(
            SessionChoice.objects.filter(
                registration=OuterRef("pk"),
                session=session,
                status=SessionChoice.Status.CONFIRMED,
            )
        ),
        attended=Exists(Attendance.objects.filter(registration=OuterRef("pk"), session=session)),
    )
    for word in query.split()[:5]:
        rows = rows.filter(
            Q(user__email__icontains=word)
            | Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
        )
    return list(
        rows.select_related("user").order_by(
            "-chose", "user__last_name", "user__first_name", "user__email"
        )
    )


def get_session_of(*, event: Event, session_id: int) -> EventSession:
    session = EventSession.objects.filter(event=event, pk=session_id).first()
    if session is None:
        raise Http404("No such session")
    session.event = event
    return session
