"""One rule for every roster (event sessions, program sessions, CoP meetings): attendance
is marked only from the session's or meeting's start, so nobody earns PD hours for
something that has not happened. A coordinator may override it (say, a session entered
from a paper sign-in sheet whose time was mistyped); each override is written to the
admin log (LogEntry) of the session or meeting: who, when, how many people."""

from collections.abc import Mapping

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from trec.accounts.roles import is_coordinator


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
        LogEntry.objects.log_actions(
            user_id=user.pk,
            queryset=[getattr(target, logged_on)],
            action_flag=CHANGE,
            change_message=(
                f"Attendance marked before the start of {target} (coordinator "
                f"override), people marked: {marks[target.pk]}."
            ),
            single_object=True,
        )


def check_arrival_day(*, starts_at) -> None:
    """Arrival at a program's check-in desk is recorded from the day its first session
    starts (people arrive before the opening), never days ahead. It earns no hours:
    those come from session attendance (check_attendance_start)."""
    if starts_at and timezone.localdate(starts_at) > timezone.localdate():
        raise ValidationError(
            _("Check-in opens on %(date)s, the day the program starts.")
            % {"date": date_format(timezone.localtime(starts_at), "DATE_FORMAT")}
        )
