"""One rule for every roster (event sessions, program sessions, CoP meetings): attendance
is marked only from the session's or meeting's start, so nobody earns PD hours for
something that has not happened. A coordinator may override it (say, a session entered
from a paper sign-in sheet whose time was mistyped). Every grid save is written to the
audit trail (trec.audit) of the session's event or the meeting's community: who marked
whom for which session or meeting, and each override with how many people."""

from collections import Counter
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from trec.accounts.roles import is_coordinator
from trec.audit import Step, audit_record


def check_attendance_start(
    *, targets: QuerySet, logged_on: str, marks: Mapping[int, int], user, override: bool = False
) -> None:
    """`marks` maps the id of each session or meeting (rows of `targets`, which have a
    `starts_at`) that would gain attendance to how many people. Refuses
    (ValidationError) those that have not started unless a coordinator overrides;
    provider staff and facilitators cannot override (PermissionDenied). An override is
    logged in the History of each target's `logged_on` (its event or community, which
    the back office shows). Call it inside the marking transaction."""
    early = list(
        targets.filter(pk__in=[pk for pk, count in marks.items() if count])
        .filter(starts_at__gt=timezone.now())
        .select_related(logged_on)
        .order_by("starts_at")
    )
    if not early:
        return
    if not override:
        first = date_format(timezone.localtime(early[0].starts_at), "DATETIME_FORMAT")
        raise ValidationError(
            _(
                "%(title)s has not started yet (it starts %(when)s): attendance can be "
                "marked from its start. Nothing was saved."
            )
            % {"title": early[0].title or _("The session"), "when": first}
        )
    if not is_coordinator(user):
        raise PermissionDenied(_("Only coordinators may mark attendance before the start."))
    for target in early:
        audit_record(
            obj=getattr(target, logged_on),
            step=Step.CHECK_IN_OVERRIDE,
            actor=user,
            changes={str(target): ("", marks[target.pk])},
            note=(
                f"Attendance marked before the start of {target} (coordinator "
                f"override), people marked: {marks[target.pk]}."
            ),
        )


def attendance_grid_save(
    *,
    rows: QuerySet,
    person: str,
    occasion: str,
    occasions: QuerySet,
    logged_on: str,
    allowed: Iterable[tuple[int, int]],
    shown: Iterable[tuple[int, int]],
    checked: Iterable[tuple[int, int]],
    marked_by,
    override: bool = False,
) -> tuple[int, int]:
    """Save an attendance grid, the one way every roster does it: an event's sessions
    (person "registration", occasion "session") or a community's meetings ("membership",
    "meeting"). `rows` are the grid's existing attendance rows; `allowed` the (person id,
    occasion id) cells it may set, `shown` those on the submitted page, `checked` the
    ticked ones. Only shown cells change, so what someone else saved meanwhile is kept;
    occasions (rows of `occasions`) that have not started are refused unless a
    coordinator overrides (check_attendance_start). Call inside the marking transaction;
    the caller updates the transcript. Returns (added, removed)."""
    shown = set(shown) & set(allowed)
    checked = set(checked) & shown
    existing = {
        (person_id, occasion_id): pk
        for pk, person_id, occasion_id in rows.values_list("pk", f"{person}_id", f"{occasion}_id")
    }
    to_remove = [existing[cell] for cell in shown - checked if cell in existing]
    model = rows.model
    to_add = [
        model(**{f"{person}_id": person_id, f"{occasion}_id": occasion_id}, marked_by=marked_by)
        for person_id, occasion_id in sorted(checked - existing.keys())
    ]
    check_attendance_start(
        targets=occasions,
        logged_on=logged_on,
        marks=Counter(getattr(row, f"{occasion}_id") for row in to_add),
        user=marked_by,
        override=override,
    )
    if to_remove:
        model.objects.filter(pk__in=to_remove).delete()
    # A concurrent mark of the same person is absorbed by the unique constraint.
    model.objects.bulk_create(to_add, ignore_conflicts=True)
    added = [(getattr(row, f"{person}_id"), getattr(row, f"{occasion}_id")) for row in to_add]
    removed = sorted(cell for cell in shown - checked if cell in existing)
    if added or removed:
        _audit_grid(
            model=model,
            person=person,
            occasion=occasion,
            logged_on=logged_on,
            added=added,
            removed=removed,
            actor=marked_by,
        )
    return len(to_add), len(to_remove)


def _audit_grid(*, model, person, occasion, logged_on, added, removed, actor) -> None:
    """One audit entry per grid save, on the event or community: each person and session
    or meeting that was checked in (✓ after) or taken back (✓ before)."""
    cells = [*added, *removed]
    people = model._meta.get_field(person).related_model.objects.select_related("user")
    people = people.in_bulk({p for p, _o in cells})
    occasions = model._meta.get_field(occasion).related_model.objects.select_related(logged_on)
    occasions = occasions.in_bulk({o for _p, o in cells})

    def label(cell) -> str:
        who, when = people.get(cell[0]), occasions.get(cell[1])
        name = (who.user.get_full_name() or who.user.email) if who else "?"
        at = timezone.localtime(when.starts_at).strftime("%Y-%m-%d %H:%M") if when else "?"
        return f"{name} · {at}"

    changes = {label(cell): ("", "✓") for cell in added}
    changes |= {label(cell): ("✓", "") for cell in removed}
    anchor = getattr(occasions[cells[0][1]], logged_on)
    audit_record(obj=anchor, step=Step.CHECK_IN, actor=actor, changes=changes)


def check_arrival_day(*, starts_at) -> None:
    """Arrival at a program's check-in desk is recorded from the day its first session
    starts (people arrive before the opening), never days ahead. It earns no hours:
    those come from session attendance (check_attendance_start)."""
    if starts_at and timezone.localdate(starts_at) > timezone.localdate():
        raise ValidationError(
            _("Check-in opens on %(date)s, the day the program starts.")
            % {"date": date_format(timezone.localtime(starts_at), "DATE_FORMAT")}
        )
