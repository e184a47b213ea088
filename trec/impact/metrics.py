"""Every figure of the impact report, defined in one place.

Each metric is a small object: a key, a label, the "how we count" text shown on the
report, and a function computing it for a period with database aggregates (never a
Python loop over rows). Breakdowns, the monthly series and the programs block are
defined here too. Change how anything is counted and you must bump
``DEFINITIONS_VERSION`` (in models.py, beside the snapshots that record it): stored
snapshots record the version they were computed under, and a snapshot from another
version is shown as out of date and recomputed, never mixed with figures counted the
new way.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db import connection
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Community, Meeting, MeetingAttendance, Membership
from events.models import Attendance, Event, OutboundClick, Registration, Topic
from events.proposals.models import Presenter, Proposal
from gratitude.models import Post
from surveys.models import AGREES, Answer, Response
from trec.accounts.models import User
from trec.transcripts.models import Credit

from .models import DEFINITIONS_VERSION, AttendanceFact
from .periods import Period

SERVED_TABLE = "impact_served_users"

LISTED = (Event.Status.PUBLISHED, Event.Status.ARCHIVED)
NOT_COUNTED = (Registration.Status.CANCELLED, Registration.Status.DECLINED)


class Scope:
    """One period's base querysets, and the aggregates several figures share (each
    computed once, on first use)."""

    def __init__(self, period: Period):
        self.period = period
        self.start, self.end = period.bounds()
        self.today = timezone.localdate()

    def in_period(self, path: str) -> Q:
        return Q(**{f"{path}__gte": self.start, f"{path}__lt": self.end})

    def on_days(self, path: str) -> Q:
        return Q(**{f"{path}__gte": self.period.start, f"{path}__lte": self.period.end})

    @cached_property
    def attendance(self):
        """Check-ins at event sessions held in the period (cancelled and declined
        registrations excluded), as AttendanceFact rows: the join of attendance,
        registrations and sessions is made once, into a temporary table on this
        connection, and every figure reads that. ``close()`` drops it."""
        source = (
            Attendance.objects.filter(self.in_period("session__starts_at"))
            .exclude(registration__status__in=NOT_COUNTED)
            .order_by()
            .values(
                att=F("pk"),
                reg=F("registration_id"),
                usr=F("registration__user_id"),
                evt=F("session__event_id"),
                starts=F("session__starts_at"),
            )
        )
        sql, params = source.query.sql_with_params()
        table = AttendanceFact._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"CREATE TEMPORARY TABLE {table} AS {sql}", params)  # noqa: S608
            if connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {table}")
        self._fact_table = True
        return AttendanceFact.objects.all()

    def close(self) -> None:
        """Drop the temporary table (it would go with the connection anyway)."""
        if self.__dict__.pop("_fact_table", False):
            for name in ("attendance", "served_users"):
                self.__dict__.pop(name, None)
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {AttendanceFact._meta.db_table}")
                cursor.execute(f"DROP TABLE IF EXISTS {SERVED_TABLE}")

    @cached_property
    def meeting_attendance(self):
        return MeetingAttendance.objects.filter(self.in_period("meeting__starts_at"))

    @cached_property
    def credits(self):
        return Credit.objects.filter(self.on_days("earned_on"))

    @cached_property
    def listed_events(self):
        return Event.objects.filter(
            self.in_period("published_at"), status__in=LISTED, is_private=False
        )

    @cached_property
    def served_users(self):
        """Educators who attended an event session or a community meeting in the period:
        their ids go into a second temporary table once (a UNION, not "id IN (...) OR
        id IN (...)", which Postgres plans as a loop over every account)."""
        ids = (
            self.attendance.order_by()
            .values("user_id")
            .union(self.meeting_attendance.order_by().values("membership__user_id"))
        )
        sql, params = ids.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {SERVED_TABLE}")
            cursor.execute(f"CREATE TEMPORARY TABLE {SERVED_TABLE} (user_id bigint PRIMARY KEY)")
            cursor.execute(
                f"INSERT INTO {SERVED_TABLE} (user_id) SELECT * FROM ({sql}) ids",  # noqa: S608
                params,
            )
            if connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {SERVED_TABLE}")
        served = f"SELECT user_id FROM {SERVED_TABLE}"  # noqa: S608 - a constant name
        return User.objects.filter(pk__in=RawSQL(served, ()))  # noqa: S611

    @cached_property
    def attendance_totals(self) -> dict:
        """Event attendances and webinar attendees in one pass over the check-ins."""
        return self.attendance.aggregate(
            attendances=Count("registration", distinct=True),
            webinar_attendees=Count(
                "user",
                distinct=True,
                filter=Q(event__kind=Event.Kind.WEBINAR),
            ),
        )

    @cached_property
    def served(self) -> dict:
        return self.served_users.aggregate(
            people=Count("pk"),
            students=Coalesce(Sum("students_served"), 0),
            districts=Count("district", distinct=True),
            schools=Count("school", distinct=True),
        )

    def communities_meeting(self, kind: str):
        return Community.objects.filter(kind=kind, meetings__in=_meetings_in(self)).values("pk")

    @cached_property
    def satisfaction(self) -> dict:
        return Answer.objects.filter(
            response__status="submitted",
            response__survey__kind="feedback",
            question__kind="likert",
            number__isnull=False,
            **{
                "response__submitted_on__gte": self.period.start,
                "response__submitted_on__lte": self.period.end,
            },
        ).aggregate(
            answers=Count("pk"),
            top=Count("pk", filter=AGREES),
        )


def _meetings_in(scope: Scope):
    return Meeting.objects.filter(scope.in_period("starts_at")).values("pk")


# --- The figures ----------------------------------------------------------------------


def _events_listed(scope: Scope) -> int:
    return scope.listed_events.count()


def _webinars_held(scope: Scope) -> int:
    held_until = min(scope.end, timezone.now())
    return (
        Event.objects.filter(
            kind=Event.Kind.WEBINAR,
            status__in=LISTED,
            is_private=False,
            sessions__starts_at__gte=scope.start,
            sessions__starts_at__lt=held_until,
        )
        .values("pk")
        .distinct()
        .count()
    )


def _webinar_attendees(scope: Scope) -> int:
    return scope.attendance_totals["webinar_attendees"]


def _registrations(scope: Scope) -> int:
    return (
        Registration.objects.filter(scope.in_period("created_at"))
        .exclude(status__in=NOT_COUNTED)
        .count()
    )


def _educators_served(scope: Scope) -> int:
    return scope.served["people"]


def _attendances(scope: Scope) -> int:
    return scope.attendance_totals["attendances"]


def _meeting_attendances(scope: Scope) -> int:
    return scope.meeting_attendance.count()


HUNDREDTHS = Decimal("0.01")


def hours_value(value) -> Decimal:
    """Hours to two places whatever the database hands back for a sum (Postgres keeps the
    column's scale, SQLite does not), so figures read and compare the same everywhere."""
    return Decimal(value or 0).quantize(HUNDREDTHS)


def _pd_hours(scope: Scope) -> Decimal:
    return hours_value(scope.credits.aggregate(h=Sum("hours"))["h"])


def _educators_with_hours(scope: Scope) -> int:
    return scope.credits.aggregate(n=Count("user", distinct=True))["n"]


def _communities(scope: Scope) -> int:
    return Community.objects.filter(pk__in=scope.communities_meeting("cop")).count()


def _community_members(scope: Scope) -> int:
    return Membership.objects.filter(
        community__in=scope.communities_meeting("cop"), status=Membership.Status.ACCEPTED
    ).aggregate(n=Count("user", distinct=True))["n"]


def _teacher_leaders(scope: Scope) -> int:
    return Membership.objects.filter(
        community__in=scope.communities_meeting("teacher_leader"),
        status=Membership.Status.ACCEPTED,
    ).aggregate(n=Count("user", distinct=True))["n"]


def _providers_active(scope: Scope) -> int:
    held = Event.objects.filter(
        status__in=LISTED, sessions__starts_at__gte=scope.start, sessions__starts_at__lt=scope.end
    )
    either = Q(pk__in=scope.listed_events.values("pk")) | Q(pk__in=held.values("pk"))
    return Event.objects.filter(either).aggregate(n=Count("provider", distinct=True))["n"]


def _districts_reached(scope: Scope) -> int:
    return scope.served["districts"]


def _schools_reached(scope: Scope) -> int:
    return scope.served["schools"]


def _students_impacted(scope: Scope) -> int:
    return scope.served["students"]


def _gratitude_posts(scope: Scope) -> int:
    return Post.objects.filter(scope.in_period("created_at"), status=Post.Status.APPROVED).count()


def _survey_respondents(scope: Scope) -> int:
    submitted = Response.objects.filter(
        status="submitted",
        submitted_on__gte=scope.period.start,
        submitted_on__lte=scope.period.end,
    )
    counts = submitted.aggregate(anonymous=Count("pk", filter=Q(user__isnull=True)))
    identified = submitted.filter(user__isnull=False).values("survey", "user").distinct().count()
    return counts["anonymous"] + identified


def _satisfaction(scope: Scope) -> Decimal | None:
    answers, top = scope.satisfaction["answers"], scope.satisfaction["top"]
    if not answers:
        return None
    return (Decimal(top) * 100 / answers).quantize(Decimal("0.1"))


def _satisfaction_answers(scope: Scope) -> int:
    return scope.satisfaction["answers"]


def _new_accounts(scope: Scope) -> int:
    return User.objects.filter(scope.in_period("date_joined")).count()


def _active_users(scope: Scope) -> int:
    signed_in = User.objects.filter(scope.in_period("last_login")).order_by().values("pk")
    return signed_in.union(
        Registration.objects.filter(scope.in_period("created_at")).order_by().values("user_id"),
        scope.attendance.order_by().values("user_id"),
        scope.meeting_attendance.order_by().values("membership__user_id"),
    ).count()


def _site_users(scope: Scope) -> int:
    return User.objects.filter(date_joined__lt=scope.end, is_active=True).count()


def _outbound_clicks(scope: Scope) -> int:
    return OutboundClick.objects.filter(scope.in_period("created_at")).count()


def _proposals(scope: Scope):
    """Proposals submitted in the period and not withdrawn."""
    return Proposal.objects.filter(scope.in_period("submitted_at")).exclude(
        status__in=[Proposal.Status.DRAFT, Proposal.Status.WITHDRAWN]
    )


def _proposals_submitted(scope: Scope) -> int:
    return _proposals(scope).count()


def _acceptance_rate(scope: Scope) -> Decimal | None:
    decided = _proposals(scope).aggregate(
        decided=Count("pk", filter=Q(status__in=Proposal.DECISIONS)),
        accepted=Count("pk", filter=Q(status=Proposal.Status.ACCEPTED)),
    )
    if not decided["decided"]:
        return None
    return (Decimal(decided["accepted"]) * 100 / decided["decided"]).quantize(Decimal("0.1"))


def _presenters(scope: Scope):
    """Confirmed presenters of accepted sessions held in the period."""
    return Presenter.objects.filter(
        scope.in_period("proposal__slot__starts_at"),
        status=Presenter.Status.CONFIRMED,
        proposal__status=Proposal.Status.ACCEPTED,
        user__isnull=False,
    )


def _educator_presenters(scope: Scope) -> int:
    return _presenters(scope).aggregate(n=Count("user", distinct=True))["n"]


def _presenter_districts(scope: Scope) -> int:
    return _presenters(scope).aggregate(n=Count("user__district", distinct=True))["n"]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    how: str
    compute: Callable[[Scope], int | Decimal | None]
    unit: str = "count"  # count, hours or percent
    headline: bool = False


METRICS = [
    Metric(
        "educators_served",
        _("Educators served"),
        _(
            "Different people who attended at least one event session or community meeting "
            "in the period, as marked by the provider or facilitator. Someone who attended "
            "twice, or ten times, counts once."
        ),
        _educators_served,
        headline=True,
    ),
    Metric(
        "pd_hours",
        _("PD hours earned"),
        _(
            "Hours on educators' transcripts dated in the period: attended events and "
            "community meetings, verified on-demand resources and hours a coordinator "
            "added. Read from the ledger as it is now: attendance unmarked later no longer "
            "counts."
        ),
        _pd_hours,
        unit="hours",
        headline=True,
    ),
    Metric(
        "events_listed",
        _("PD events, programs and resources listed"),
        _(
            "Public listings first published in the period (events, webinars, programs and "
            "on-demand resources) that are still published or archived. Private school "
            "visits and cancelled listings are not counted."
        ),
        _events_listed,
        headline=True,
    ),
    Metric(
        "students_impacted",
        _("Students indirectly impacted"),
        _(
            "The sum of the number of students each educator served says they serve in a "
            "year, counting each educator once in the period. People who left it blank add "
            "nothing."
        ),
        _students_impacted,
        headline=True,
    ),
    Metric(
        "webinars_held",
        _("Webinars held"),
        _("Public webinars with a session that took place in the period."),
        _webinars_held,
    ),
    Metric(
        "webinar_attendees",
        _("Webinar attendees"),
        _("Different people marked present at a webinar session in the period."),
        _webinar_attendees,
    ),
    Metric(
        "registrations",
        _("Registrations"),
        _(
            "Registrations made in the period that are confirmed, waiting for approval or on "
            "a waiting list. Cancelled and declined registrations are not counted."
        ),
        _registrations,
    ),
    Metric(
        "attendances",
        _("Event attendances"),
        _(
            "Each person at each event with a session in the period counts once, however "
            "many of its sessions they attended."
        ),
        _attendances,
    ),
    Metric(
        "meeting_attendances",
        _("Community meeting attendances"),
        _("Each person marked present at a community meeting in the period."),
        _meeting_attendances,
    ),
    Metric(
        "educators_with_hours",
        _("Educators who earned hours"),
        _("Different people with at least one transcript entry dated in the period."),
        _educators_with_hours,
    ),
    Metric(
        "communities",
        _("Communities of Practice"),
        _("Communities of Practice that met at least once in the period."),
        _communities,
    ),
    Metric(
        "community_members",
        _("Community of Practice members"),
        _("Different accepted members of those communities."),
        _community_members,
    ),
    Metric(
        "teacher_leaders",
        _("Teacher-leader participants"),
        _("Different accepted members of teacher-leader cohorts that met in the period."),
        _teacher_leaders,
    ),
    Metric(
        "providers_active",
        _("Providers active"),
        _("Providers with a listing published, or a session held, in the period."),
        _providers_active,
    ),
    Metric(
        "districts_reached",
        _("Districts and school systems reached"),
        _("Different districts of the educators served (from their profiles)."),
        _districts_reached,
    ),
    Metric(
        "schools_reached",
        _("Schools reached"),
        _("Different schools of the educators served (from their profiles)."),
        _schools_reached,
    ),
    Metric(
        "gratitude_posts",
        _("Thank-you notes on gratitude walls"),
        _("Messages sent in the period and approved by a moderator."),
        _gratitude_posts,
    ),
    Metric(
        "survey_respondents",
        _("Survey respondents"),
        _(
            "Survey responses submitted in the period. Anonymous responses count; a "
            "signed-in person counts once per survey."
        ),
        _survey_respondents,
    ),
    Metric(
        "satisfaction",
        _("Found the sessions applicable"),
        _(
            "Share of rating answers on event feedback surveys submitted in the period that "
            "are in the top two boxes (4 or 5 on a 5-point scale)."
        ),
        _satisfaction,
        unit="percent",
    ),
    Metric(
        "satisfaction_answers",
        _("Feedback ratings given"),
        _("Rating answers on event feedback surveys submitted in the period."),
        _satisfaction_answers,
    ),
    Metric(
        "proposals_submitted",
        _("Session proposals"),
        _(
            "Proposals submitted in the period to the summit's and spotlights' calls for "
            "proposals, not counting drafts and withdrawn ones."
        ),
        _proposals_submitted,
    ),
    Metric(
        "proposal_acceptance",
        _("Proposals accepted"),
        _(
            "Of those proposals that were decided (accepted, wait-listed or declined), the "
            "share accepted."
        ),
        _acceptance_rate,
        unit="percent",
    ),
    Metric(
        "educator_presenters",
        _("Educator presenters"),
        _(
            "Different people who presented an accepted session held in the period, as lead "
            "or confirmed co-presenter."
        ),
        _educator_presenters,
    ),
    Metric(
        "presenter_districts",
        _("Districts presenters come from"),
        _("Different districts of those presenters (from their profiles)."),
        _presenter_districts,
    ),
    Metric(
        "new_accounts",
        _("New accounts"),
        _("Accounts created in the period."),
        _new_accounts,
    ),
    Metric(
        "active_users",
        _("Active users"),
        _(
            "Account holders who signed in, registered or attended in the period (sign-ins "
            "are known only from each person's latest one)."
        ),
        _active_users,
    ),
    Metric(
        "site_users",
        _("Site users"),
        _("Active accounts that existed at the end of the period."),
        _site_users,
    ),
    Metric(
        "outbound_clicks",
        _("Visits to providers' registration pages"),
        _("Clicks on “Register on the provider's site” in the period."),
        _outbound_clicks,
    ),
]
METRICS_BY_KEY = {metric.key: metric for metric in METRICS}
HEADLINE = [metric for metric in METRICS if metric.headline]


# --- Breakdowns -----------------------------------------------------------------------


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    how: str
    attendance_path: str
    credit_path: str
    user_path: str | None = None  # people (and students) from the served educators


DIMENSIONS = [
    Dimension(
        "district",
        _("District or school system"),
        _("From each educator's profile."),
        "user__district__name",
        "user__district__name",
        "district__name",
    ),
    Dimension(
        "role",
        _("Role"),
        _("From each educator's profile."),
        "user__role",
        "user__role",
        "role",
    ),
    Dimension(
        "grade_band",
        _("Grade band"),
        _("From each educator's profile; someone teaching two grade bands counts in both."),
        "user__grade_bands__name",
        "user__grade_bands__name",
        "grade_bands__name",
    ),
    Dimension(
        "topic",
        _("Topic"),
        _("The event's topics; an event with two topics counts under both."),
        "event__topics__name",
        "event__topics__name",
    ),
    Dimension(
        "provider",
        _("Provider"),
        _("The organisation that offered the event."),
        "event__provider__name",
        "event__provider__name",
    ),
]


def _rows(queryset, path: str, **aggregates) -> dict:
    return {
        row["label"]: row
        for row in queryset.order_by().values(label=F(path)).annotate(**aggregates)
    }


# Every person has exactly one district and one role, so one query grouped by both gives
# both breakdowns exactly (distinct counts add up across the cells of a row).
CELL_DIMENSIONS = ("district", "role")


def _user_cells(scope: Scope) -> dict:
    if "user_cells" not in scope.__dict__:
        paths = {key: d for d in DIMENSIONS if (key := d.key) in CELL_DIMENSIONS}

        def grouped(queryset, attr: str, **aggregates):
            fields = {f"by_{key}": F(getattr(d, attr)) for key, d in paths.items()}
            return list(queryset.order_by().values(**fields).annotate(**aggregates))

        scope.__dict__["user_cells"] = {
            "attended": grouped(
                scope.attendance,
                "attendance_path",
                people=Count("user", distinct=True),
                attendances=Count("registration", distinct=True),
            ),
            "hours": grouped(
                scope.credits,
                "credit_path",
                hours=Sum("hours"),
                hour_people=Count("user", distinct=True),
            ),
            "served": grouped(
                scope.served_users,
                "user_path",
                people=Count("pk", distinct=True),
                students=Coalesce(Sum("students_served"), 0),
            ),
        }
    return scope.__dict__["user_cells"]


def _roll_up(cells: list[dict], key: str) -> dict:
    """Sum aggregated cells (a few dozen rows, not data rows) into one row per label."""
    rows: dict = {}
    for cell in cells:
        label = cell[f"by_{key}"]
        row = rows.setdefault(label, {"label": label})
        for name, value in cell.items():
            if not name.startswith("by_"):
                row[name] = row.get(name, 0) + (value or 0)
    return rows


def breakdown(scope: Scope, dimension: Dimension) -> list[dict]:
    """Rows of {label, people, students, attendances, hours, hour_people}, biggest first.
    `people` are educators served (or, for topics and providers, event attendees)."""
    if dimension.key in CELL_DIMENSIONS:
        cells = _user_cells(scope)
        attended = _roll_up(cells["attended"], dimension.key)
        hours = _roll_up(cells["hours"], dimension.key)
        served = _roll_up(cells["served"], dimension.key)
    else:
        attended = _rows(
            scope.attendance,
            dimension.attendance_path,
            people=Count("user", distinct=True),
            attendances=Count("registration", distinct=True),
        )
        hours = _rows(
            scope.credits,
            dimension.credit_path,
            hours=Sum("hours"),
            hour_people=Count("user", distinct=True),
        )
        served = (
            _rows(
                scope.served_users,
                dimension.user_path,
                people=Count("pk", distinct=True),
                students=Coalesce(Sum("students_served"), 0),
            )
            if dimension.user_path
            else {}
        )
    rows = []
    for label in {*attended, *hours, *served}:
        a, h, s = attended.get(label, {}), hours.get(label, {}), served.get(label, {})
        rows.append(
            {
                "label": label,
                "people": s.get("people", a.get("people", 0)) if served else a.get("people", 0),
                "students": s.get("students") if dimension.user_path else None,
                "attendances": a.get("attendances", 0),
                "hours": str(hours_value(h.get("hours"))),
                "hour_people": h.get("hour_people", 0),
            }
        )
    rows.sort(key=lambda r: (-r["people"], -Decimal(r["hours"]), r["label"] or ""))
    if dimension.key == "topic":  # Spanish readers see each topic's Spanish name
        spanish = dict(Topic.objects.exclude(name_es="").values_list("name", "name_es"))
        for row in rows:
            row["label_es"] = spanish.get(row["label"], "")
    return rows


def events_by_kind(scope: Scope) -> list[dict]:
    counts = {
        row["kind"]: row["n"]
        for row in scope.listed_events.order_by().values("kind").annotate(n=Count("pk"))
    }
    return [{"label": kind, "events": counts.get(kind, 0)} for kind in Event.Kind.values]


def monthly_attendance(scope: Scope) -> list[dict]:
    rows = {
        row["month"].date() if isinstance(row["month"], datetime.datetime) else row["month"]: row
        for row in scope.attendance.order_by()
        .annotate(month=TruncMonth("starts_at"))
        .values("month")
        .annotate(
            people=Count("user", distinct=True),
            attendances=Count("registration", distinct=True),
        )
    }
    return [
        {
            "label": month.isoformat()[:7],
            "people": rows.get(month, {}).get("people", 0),
            "attendances": rows.get(month, {}).get("attendances", 0),
        }
        for month in scope.period.months()[:60]
    ]


def programs(scope: Scope, limit: int = 12) -> list[dict]:
    """Programs (e.g. the summit) with a session in the period: their attendees, hours,
    students reached and satisfaction, whatever their sessions look like."""
    attended = Attendance.objects.filter(registration__event=OuterRef("pk")).exclude(
        registration__status__in=NOT_COUNTED
    )
    attendees = (
        attended.order_by()
        .values("registration__event")
        .annotate(n=Count("registration__user", distinct=True))
        .values("n")
    )
    hours = (
        Credit.objects.filter(event=OuterRef("pk"))
        .order_by()
        .values("event")
        .annotate(h=Sum("hours"))
        .values("h")
    )
    students = (
        User.objects.filter(
            pk__in=Attendance.objects.filter(registration__event=OuterRef(OuterRef("pk")))
            .exclude(registration__status__in=NOT_COUNTED)
            .values("registration__user_id")
        )
        .order_by()
        .annotate(g=Value(1))
        .values("g")
        .annotate(s=Sum("students_served"))
        .values("s")
    )
    # The biggest programs first (one grouped query), then their figures.
    biggest = (
        scope.attendance.filter(event__kind=Event.Kind.PROGRAM, event__status__in=LISTED)
        .order_by()
        .values("event")
        .annotate(n=Count("user", distinct=True))
        .order_by("-n", "event")
        .values_list("event", flat=True)[:limit]
    )
    queryset = Event.objects.filter(pk__in=list(biggest)).annotate(
        attendees=Coalesce(Subquery(attendees, output_field=IntegerField()), 0),
        hours_earned=Subquery(hours),
        students=Coalesce(Subquery(students, output_field=IntegerField()), 0),
    )
    rated = Answer.objects.filter(
        response__survey__event=OuterRef("pk"),
        response__status="submitted",
        question__kind="likert",
        number__isnull=False,
    ).order_by()
    queryset = queryset.annotate(
        ratings=Subquery(
            rated.values("response__survey__event").annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        top=Subquery(
            rated.filter(AGREES)
            .values("response__survey__event")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
    )
    rows = []
    for event in queryset.order_by("-attendees", "starts_at")[:limit]:
        ratings = getattr(event, "ratings", None) or 0
        top = getattr(event, "top", None) or 0
        rows.append(
            {
                "event_id": event.pk,
                "title": event.title,
                "title_es": event.title_es,
                "slug": event.slug,
                "starts": event.starts_at.date().isoformat() if event.starts_at else None,
                "attendees": event.attendees,
                "hours": str(hours_value(event.hours_earned)),
                "students": event.students,
                "ratings": ratings,
                "satisfaction": str((Decimal(top) * 100 / ratings).quantize(Decimal("0.1")))
                if ratings
                else None,
            }
        )
    return rows


# --- Everything, as the task runs it --------------------------------------------------


def steps(scope: Scope) -> list[tuple[str, Callable[[], object]]]:
    """(name, thunk) pairs in order: the task runs them one by one, reporting progress."""
    result = [(f"metric:{m.key}", lambda m=m: m.compute(scope)) for m in METRICS]
    result += [(f"breakdown:{d.key}", lambda d=d: breakdown(scope, d)) for d in DIMENSIONS]
    result += [
        ("series:events_by_kind", lambda: events_by_kind(scope)),
        ("series:monthly_attendance", lambda: monthly_attendance(scope)),
        ("series:programs", lambda: programs(scope)),
    ]
    return result


def to_json(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


def assemble(scope: Scope, results: dict) -> dict:
    """The snapshot's data from the step results."""
    data = {
        "version": DEFINITIONS_VERSION,
        "period": {
            "kind": scope.period.kind,
            "start": scope.period.start.isoformat(),
            "end": scope.period.end.isoformat(),
        },
        "metrics": {},
        "breakdowns": {},
        "series": {},
    }
    for name, value in results.items():
        group, key = name.split(":", 1)
        bucket = {"metric": "metrics", "breakdown": "breakdowns", "series": "series"}[group]
        data[bucket][key] = to_json(value)
    return data


def compute_all(period: Period) -> dict:
    """Every figure for `period`, without progress reporting (tests, the seed)."""
    scope = Scope(period)
    try:
        return assemble(scope, {name: run() for name, run in steps(scope)})
    finally:
        scope.close()
