"""Writes for programs (summits, conferences, series): the personal schedule, the
check-in desk and per-session attendance.

Seats in a session are decided under the session's row lock, exactly as event seats
are under the event's (events.services): two educators racing for a session's last
seat can never both get it. Locks are always taken registration first, then session,
so choosing, dropping and cancelling never deadlock one another.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from events.attendance import attendance_mark
from events.models import Event, EventSession, Registration, SessionChoice
from events.notifications import SessionChoicePromoted, promoted_window
from trec.attendance import check_arrival_day
from trec.audit import Step, audit_record
from trec.notifications.services import notification_enqueue


class ScheduleError(ValidationError):
    """The choice cannot be made (not registered, clash, not a program)."""


@dataclass(frozen=True)
class ChoiceResult:
    choice: SessionChoice
    created: bool


# --- Locks and counts ------------------------------------------------------------------


def _lock_session(session_id: int) -> EventSession:
    return EventSession.objects.select_for_update().get(pk=session_id)


def _lock_registration(registration_id: int) -> Registration:
    return Registration.objects.select_for_update().get(pk=registration_id)


def _confirmed_choices(session: EventSession) -> int:
    return session.choices.filter(status=SessionChoice.Status.CONFIRMED).count()


def _has_seat(session: EventSession) -> bool:
    return session.capacity is None or _confirmed_choices(session) < session.capacity


def _next_ticket(session: EventSession) -> int:
    last = session.choices.aggregate(last=Max("queue_number"))["last"]
    return (last or 0) + 1


def _time_range(session: EventSession) -> str:
    start = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    return f"{formats.time_format(start, 'TIME_FORMAT')}–{formats.time_format(end, 'TIME_FORMAT')}"


def session_label(session: EventSession) -> str:
    return session.title or _("Session at %(time)s") % {"time": _time_range(session)}


# --- The personal schedule ----------------------------------------------------------------


@transaction.atomic
def session_choose(*, registration: Registration, session: EventSession) -> ChoiceResult:
    """Add `session` to the educator's schedule: confirmed while seats remain, else on the
    session's waiting list. Refused (ScheduleError) unless the program registration is
    confirmed, or when the session overlaps one already in the schedule (confirmed or
    waiting: a promotion must never create a clash). Choosing again changes nothing."""
    registration = _lock_registration(registration.pk)
    if session.event_id != registration.event_id:
        raise ScheduleError(_("That session belongs to another event."))
    event = registration.event
    if event.kind != Event.Kind.PROGRAM:
        raise ScheduleError(_("Only programs have sessions to choose from."))
    if registration.status != Registration.Status.CONFIRMED:
        raise ScheduleError(
            _("Your registration for the program must be confirmed before you choose sessions.")
        )
    if event.status != Event.Status.PUBLISHED or event.is_past:
        raise ScheduleError(_("This program no longer takes session choices."))
    existing = list(registration.session_choices.select_related("session"))
    for choice in existing:
        if choice.session_id == session.pk:
            return ChoiceResult(choice, created=False)
    for choice in existing:
        if choice.session.overlaps(session):
            raise ScheduleError(
                _(
                    "“%(new)s” overlaps “%(old)s” (%(time)s), which is already in your "
                    "schedule. Drop that one first if you would rather go to this one."
                )
                % {
                    "new": session_label(session),
                    "old": session_label(choice.session),
                    "time": _time_range(choice.session),
                }
            )
    session = _lock_session(session.pk)
    choice = SessionChoice(registration=registration, session=session)
    if _has_seat(session):
        choice.status = SessionChoice.Status.CONFIRMED
        choice.confirmed_at = timezone.now()
    else:
        choice.status = SessionChoice.Status.WAITLISTED
        choice.queue_number = _next_ticket(session)
    choice.save()
    return ChoiceResult(choice, created=True)


def _promote(session: EventSession) -> list[SessionChoice]:
    """Fill free seats from the head of the session's waiting list (lock held)."""
    promoted = []
    while _has_seat(session):
        head = (
            session.choices.filter(status=SessionChoice.Status.WAITLISTED)
            .order_by("queue_number")
            .first()
        )
        if head is None:
            break
        head.status = SessionChoice.Status.CONFIRMED
        head.queue_number = None
        head.confirmed_at = timezone.now()
        head.save(update_fields=["status", "queue_number", "confirmed_at"])
        promoted.append(head)
    return promoted


def _notify_promoted(choices: list[SessionChoice]) -> None:
    for choice in choices:
        notification_enqueue(
            recipient=choice.registration.user_id,
            kind=SessionChoicePromoted.code,
            subject=choice,
            window=promoted_window(choice),
        )


@transaction.atomic
def session_drop(*, registration: Registration, session: EventSession) -> list[SessionChoice]:
    """Take `session` out of the schedule (or off its waiting list). A freed seat goes to
    the first person waiting, who is told by e-mail. Returns the choices promoted."""
    registration = _lock_registration(registration.pk)
    session = _lock_session(session.pk)
    deleted, _count = SessionChoice.objects.filter(
        registration=registration, session=session
    ).delete()
    if not deleted:
        return []
    promoted = list(
        SessionChoice.objects.filter(pk__in=[c.pk for c in _promote(session)]).select_related(
            "registration"
        )
    )
    _notify_promoted(promoted)
    return promoted


def choices_drop_all(*, registration: Registration) -> list[SessionChoice]:
    """The program registration was cancelled: release every seat it held and promote
    the next person in each session. Call inside the cancelling transaction, with the
    registration locked."""
    session_ids = list(
        registration.session_choices.order_by("session_id").values_list("session_id", flat=True)
    )
    promoted = []
    for session_id in session_ids:
        session = _lock_session(session_id)
        SessionChoice.objects.filter(registration=registration, session=session).delete()
        promoted += _promote(session)
    promoted = list(
        SessionChoice.objects.filter(pk__in=[c.pk for c in promoted]).select_related("registration")
    )
    _notify_promoted(promoted)
    return promoted


# --- The check-in desk and session attendance ---------------------------------------------


@transaction.atomic
def registration_check_in(*, registration: Registration, by, undo: bool = False) -> bool:
    """Record that a confirmed registrant arrived (or take it back). Returns True when
    something changed; checking in twice keeps the first time."""
    registration = _lock_registration(registration.pk)
    if registration.status != Registration.Status.CONFIRMED:
        raise ValidationError(_("Only confirmed registrations can be checked in."))
    before = registration.checked_in_at
    if undo:
        if registration.checked_in_at is None:
            return False
        registration.checked_in_at = None
        registration.checked_in_by = None
    else:
        if registration.checked_in_at is not None:
            return False
        check_arrival_day(starts_at=registration.event.starts_at)
        registration.checked_in_at = timezone.now()
        registration.checked_in_by = by
    registration.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
    audit_record(
        obj=registration,
        step=Step.CHECK_IN,
        actor=by,
        changes={"checked_in_at": (_minute(before), _minute(registration.checked_in_at))},
        related=registration.event,
    )
    return True


def _minute(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


@transaction.atomic
def session_attendance_mark(
    *, session: EventSession, shown: list[int], attended: list[int], marked_by, override=False
) -> tuple[int, int]:
    """Mark who attended one session of a program from its attendance list: `shown` are
    the registration ids on the submitted page, `attended` the ticked ones. Only confirmed
    registrations of the session's event count. The transcript follows (events.services
    attendance_mark). Returns (added, removed)."""
    allowed_ids = set(
        Registration.objects.filter(
            event_id=session.event_id,
            status=Registration.Status.CONFIRMED,
            pk__in=set(shown),
        ).values_list("pk", flat=True)
    )
    allowed = {(pk, session.pk) for pk in allowed_ids}
    return attendance_mark(
        event=session.event,
        allowed=allowed,
        shown={(pk, session.pk) for pk in shown},
        checked={(pk, session.pk) for pk in attended},
        marked_by=marked_by,
        override=override,
    )
