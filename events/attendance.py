"""Attendance at events and the PD hours it earns.

Rosters mark who came through ``attendance_mark`` (sessions of an event; programs go
through ``events.programs.services.session_attendance_mark``), on-demand completions through
``completions_verify``; both follow with ``event_credits_sync``, which hands the hours
to the transcript ledger (trec.transcripts).

An event's rows are recomputed from its sessions' attendance and written through
``credits_replace``, which changes only the difference: calling again changes nothing
and taking a check-in back removes the credit. One row per educator per event, hours
summed over the sessions they attended (minutes ÷ 60 to the nearest quarter hour),
capped at the PD hours the event offers (an event offering none earns none). A
program's sessions each carry their own hours; an on-demand resource earns its hours
when the provider verifies a completion.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from trec.attendance import attendance_grid_save
from trec.transcripts.models import Credit
from trec.transcripts.services import credits_replace, quarter_hours

from .models import Attendance, Event, EventSession, Registration


def _row(event: Event, hours: Decimal, day: datetime.date) -> dict:
    return {
        "hours": hours,
        "earned_on": day,
        "title": event.title,
        "provider_name": event.provider.name,
        "event_id": event.pk,
    }


@transaction.atomic
def event_credits_sync(*, event: Event) -> dict:
    """The ledger rows of one event, from its attendance (or verified completions).
    Idempotent; safe to call after every attendance or completion change."""
    event = Event.objects.select_for_update().select_related("provider").get(pk=event.pk)
    if event.kind == Event.Kind.ON_DEMAND:
        return _sync_on_demand(event)
    if event.kind == Event.Kind.PROGRAM:
        return _sync_program(event)
    minutes: dict[int, float] = defaultdict(float)
    last_day: dict[int, datetime.date] = {}
    for user_id, starts_at, ends_at in Attendance.objects.filter(session__event=event).values_list(
        "registration__user_id", "session__starts_at", "session__ends_at"
    ):
        minutes[user_id] += (ends_at - starts_at).total_seconds() / 60
        day = timezone.localdate(starts_at)
        last_day[user_id] = max(day, last_day.get(user_id, day))
    desired = {}
    for user_id, total in minutes.items():
        hours = min(quarter_hours(total), event.pd_hours)
        if hours > 0:
            desired[(user_id, event.pk)] = _row(event, hours, last_day[user_id])
    return credits_replace(source=Credit.Source.EVENT, source_ids=[event.pk], desired=desired)


def _sync_program(event: Event) -> dict:
    """A program's sessions each carry their own PD hours: an educator earns the sum of
    the hours of the sessions they attended (checking in at the desk earns nothing)."""
    hours: dict[int, Decimal] = defaultdict(Decimal)
    last_day: dict[int, datetime.date] = {}
    for user_id, session_hours, starts_at in Attendance.objects.filter(
        session__event=event
    ).values_list("registration__user_id", "session__pd_hours", "session__starts_at"):
        hours[user_id] += session_hours
        day = timezone.localdate(starts_at)
        last_day[user_id] = max(day, last_day.get(user_id, day))
    desired = {
        (user_id, event.pk): _row(event, total, last_day[user_id])
        for user_id, total in hours.items()
        if total > 0
    }
    return credits_replace(source=Credit.Source.EVENT, source_ids=[event.pk], desired=desired)


def _sync_on_demand(event: Event) -> dict:
    """An on-demand resource has no sessions: a completion its provider verified earns the
    resource's PD hours, on the day it was verified."""
    desired = {
        (user_id, event.pk): _row(event, event.pd_hours, timezone.localdate(completed_at))
        for user_id, completed_at in Registration.objects.filter(
            event=event, completed_at__isnull=False
        ).values_list("user_id", "completed_at")
        if event.pd_hours > 0
    }
    return credits_replace(source=Credit.Source.ON_DEMAND, source_ids=[event.pk], desired=desired)


@transaction.atomic
def attendance_mark(
    *, event: Event, allowed, shown, checked, marked_by, override: bool = False
) -> tuple[int, int]:
    """Check in (or un-check) registrants per session from a roster grid.

    `allowed` are the (registration id, session id) cells the roster may set; `shown`
    the cells that were on the submitted page; `checked` the ticked ones. Only shown
    cells are touched, so rows someone else saved meanwhile are left alone. Sessions
    that have not started take no check-ins unless a coordinator overrides
    (trec.attendance). Returns (added, removed).
    """
    added, removed = attendance_grid_save(
        rows=Attendance.objects.filter(registration__event=event),
        person="registration",
        occasion="session",
        occasions=EventSession.objects.all(),
        logged_on="event",
        allowed=allowed,
        shown=shown,
        checked=checked,
        marked_by=marked_by,
        override=override,
    )
    if added or removed:
        event_credits_sync(event=event)  # PD hours follow check-ins in this transaction
    return added, removed


@transaction.atomic
def completions_verify(*, registrations, verified_by, completed: bool = True) -> int:
    """The provider verifies (or takes back) that educators completed an on-demand
    resource; their transcripts follow in the same transaction. Only confirmed
    registrations for on-demand resources count. Returns how many changed."""
    rows = Registration.objects.filter(
        pk__in=[r.pk for r in registrations],
        event__kind=Event.Kind.ON_DEMAND,
        status=Registration.Status.CONFIRMED,
        completed_at__isnull=completed,
    )
    event_ids = set(rows.values_list("event_id", flat=True))
    changed = rows.update(
        completed_at=timezone.now() if completed else None,
        completion_verified_by=verified_by if completed else None,
    )
    for event in Event.objects.filter(pk__in=event_ids):
        event_credits_sync(event=event)
    return changed
