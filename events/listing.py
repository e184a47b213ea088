"""Listing fast: the writes behind the back office's shortcuts for provider staff and
coordinators. Duplicating a listing (one or many, dates kept or shifted), a recurring
series of sessions made in one step, saved listing templates per provider, and the
bulk actions (submit for review, close registration, export).

Plain functions with keyword-only arguments, one transaction each, like events.services;
every copy is a draft owned by the same provider, so nothing skips the coordinators'
review. Who may call them (their own provider's events only) is the admin's scoped
queryset's job (providers.access.ProviderScopedAdmin).
"""

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from . import services
from .models import Event, EventSession, ExpoBooth, ListingTemplate, Registration

# What a copy or a template carries over: texts in both languages and settings. Never
# the status, review, dates, calendar state or counters.
COPIED_FIELDS = [
    "title",
    "title_es",
    "summary",
    "summary_es",
    "description",
    "description_es",
    "is_private",
    "kind",
    "format",
    "audience_roles",
    "language",
    "cost",
    "payment_method",
    "payment_instructions",
    "payment_instructions_es",
    "pd_hours",
    "capacity",
    "registration_mode",
    "external_registration_url",
    "requires_approval",
    "joins_after_start",
    "venue_name",
    "address",
    "join_url",
    "recording_url",
]
SESSION_FIELDS = [
    "title",
    "title_es",
    "location",
    "location_es",
    "track",
    "track_es",
    "capacity",
    "presenters",
    "pd_hours",
    "description",
    "description_es",
    "featured_provider_id",
    "recording_url",
    "provider_link",
]
# A term of weekly meetings is fifteen; a school year fifty-two. More is a typo.
SERIES_MAX = 52
COUNT_RANGE = gettext_lazy("Choose between 1 and %(max)d sessions.")


# --- Duplicating -------------------------------------------------------------------


def _local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _shifted(moment: datetime.datetime, days: int) -> datetime.datetime:
    """The same wall-clock time `days` later, in the hub's time zone."""
    local = timezone.localtime(moment)
    moved = datetime.datetime.combine(local.date() + datetime.timedelta(days=days), local.time())
    return timezone.make_aware(moved)


def check_not_past(day: datetime.date | None) -> None:
    if day is not None and day < timezone.localdate():
        raise ValidationError(
            _("%(date)s has passed: choose today or a later date.")
            % {"date": date_format(day, "DATE_FORMAT")},
            code="past",
        )


@transaction.atomic
def event_duplicate(*, event: Event, by, first_day: datetime.date | None = None) -> Event:
    """A draft copy of `event` for the same provider: texts in both languages, settings,
    topics, grade bands, sessions and a program's expo booths. With `first_day`, every
    session moves by the same number of days so that the first one falls on it (times of
    day kept); without it, the dates are kept."""
    check_not_past(first_day)
    sessions = list(event.sessions.order_by("starts_at", "pk"))
    days = 0
    if first_day is not None and sessions:
        days = (first_day - _local_day(sessions[0].starts_at)).days
    copy = Event(
        provider_id=event.provider_id,
        slug=services.unique_slug(event.title),
        status=Event.Status.DRAFT,
        created_by=by,
        **{name: getattr(event, name) for name in COPIED_FIELDS},
    )
    copy.save()
    copy.topics.set(event.topics.all())
    copy.grade_bands.set(event.grade_bands.all())
    EventSession.objects.bulk_create(
        EventSession(
            event=copy,
            starts_at=_shifted(session.starts_at, days),
            ends_at=_shifted(session.ends_at, days),
            **{name: getattr(session, name) for name in SESSION_FIELDS},
        )
        for session in sessions
    )
    # A program's resource expo comes along: the same exhibitors at the same tables.
    ExpoBooth.objects.bulk_create(
        ExpoBooth(
            event=copy,
            provider_id=booth.provider_id,
            booth=booth.booth,
            note=booth.note,
            note_es=booth.note_es,
        )
        for booth in event.expo_booths.all()
    )
    services.event_saved(event=copy)
    return copy


def events_duplicate(*, events, by) -> list[Event]:
    """Draft copies of several listings, dates kept (each one its own transaction)."""
    return [event_duplicate(event=event, by=by) for event in events]


# --- A recurring series -----------------------------------------------------------


class Frequency(models.TextChoices):
    WEEKLY = "weekly", gettext_lazy("Every week")
    BIWEEKLY = "biweekly", gettext_lazy("Every 2 weeks")
    MONTHLY = "monthly", gettext_lazy("Every month (same day of the month)")


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the 31st becomes the month's last day when it has
    no 31st."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def series_days(
    *, first: datetime.date, frequency: str, count: int, skip=()
) -> list[datetime.date]:
    """The `count` days of a series from `first`, leaving out the `skip` days (each
    skipped day makes the series one step longer, so it still has `count` sessions)."""
    skip = set(skip)
    days, step = [], 0
    while len(days) < count:
        if frequency == Frequency.MONTHLY:
            day = _add_months(first, step)
        else:
            weeks = 2 if frequency == Frequency.BIWEEKLY else 1
            day = first + datetime.timedelta(weeks=weeks * step)
        if day not in skip:
            days.append(day)
        step += 1
    return days


@dataclass(frozen=True)
class Series:
    first: datetime.date
    starts: datetime.time
    minutes: int
    frequency: str
    count: int
    skip: frozenset = frozenset()
    title: str = ""
    location: str = ""

    def days(self) -> list[datetime.date]:
        return series_days(
            first=self.first, frequency=self.frequency, count=self.count, skip=self.skip
        )

    def check(self) -> None:
        """Every problem at once, each tied to the field it is about."""
        errors = {}
        if not 1 <= self.count <= SERIES_MAX:
            errors["count"] = COUNT_RANGE % {"max": SERIES_MAX}
        start = timezone.make_aware(datetime.datetime.combine(self.first, self.starts))
        if start <= timezone.now():
            errors["first"] = _(
                "The first session (%(when)s) would already have started: choose a later "
                "date or time."
            ) % {"when": date_format(timezone.localtime(start), "DATETIME_FORMAT")}
        if not errors:
            pattern = set(
                series_days(
                    first=self.first,
                    frequency=self.frequency,
                    count=self.count + len(self.skip),
                )
            )
            strays = sorted(day for day in self.skip if day not in pattern)
            if strays:
                errors["skip"] = ngettext(
                    "%(dates)s is not one of the series' dates.",
                    "%(dates)s are not among the series' dates.",
                    len(strays),
                ) % {"dates": ", ".join(date_format(day, "DATE_FORMAT") for day in strays)}
        if errors:
            raise ValidationError(errors)


@transaction.atomic
def event_add_series(*, event: Event, series: Series) -> list[EventSession]:
    """Add the sessions of a recurring series to `event` in one step (the listing's
    first and last dates, search and calendars follow)."""
    series.check()
    length = datetime.timedelta(minutes=series.minutes)
    sessions = []
    for day in series.days():
        starts = timezone.make_aware(datetime.datetime.combine(day, series.starts))
        sessions.append(
            EventSession(
                event=event,
                title=series.title,
                starts_at=starts,
                ends_at=starts + length,
                location=series.location,
            )
        )
    EventSession.objects.bulk_create(sessions)
    services.event_saved(event=event)
    return sessions


# --- Templates ------------------------------------------------------------------------


@transaction.atomic
def template_save(*, event: Event, name: str, by) -> tuple[ListingTemplate, bool]:
    """Save `event`'s texts, settings, topics and grade bands as its provider's template
    `name` (replacing a template of that name). Returns (template, created)."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("Give the template a name."))
    fields = {}
    for name_ in COPIED_FIELDS:
        value = getattr(event, name_)
        fields[name_] = str(value) if isinstance(value, Decimal) else value
    template, created = ListingTemplate.objects.update_or_create(
        provider_id=event.provider_id,
        name=name[:200],
        defaults={"fields": fields, "created_by": by},
    )
    template.topics.set(event.topics.all())
    template.grade_bands.set(event.grade_bands.all())
    return template, created


@transaction.atomic
def event_from_template(*, template: ListingTemplate, by) -> Event:
    """A new draft listing of the template's provider, filled in from the template; its
    sessions are added afterwards (one by one or as a series)."""
    known = set(COPIED_FIELDS)
    values = {name: value for name, value in template.fields.items() if name in known}
    event = Event(
        provider_id=template.provider_id,
        status=Event.Status.DRAFT,
        created_by=by,
        **values,
    )
    event.slug = services.unique_slug(event.title or template.name)
    event.full_clean(exclude=["slug", "provider"])
    event.save()
    event.topics.set(template.topics.all())
    event.grade_bands.set(template.grade_bands.all())
    services.event_saved(event=event)
    return event


def template_delete(*, template: ListingTemplate) -> None:
    template.delete()


# --- Bulk actions -------------------------------------------------------------------


@dataclass
class Outcome:
    done: list[Event]
    skipped: list[tuple[Event, str]]
    waiting: list[Event] = field(default_factory=list)  # already submitted


def events_submit(*, events) -> Outcome:
    """Send drafts (new or returned) to the coordinators for review. Listings already
    waiting, published, cancelled or archived are left as they are, and so are those
    whose sessions have all ended or that have no session yet (on-demand needs none)."""
    outcome = Outcome([], [])
    for event in events:
        if event.status == Event.Status.SUBMITTED:
            outcome.waiting.append(event)
        elif event.status != Event.Status.DRAFT:
            outcome.skipped.append((event, _("it is not a draft")))
        elif event.kind != Event.Kind.ON_DEMAND and event.starts_at is None:
            outcome.skipped.append((event, _("it has no session yet")))
        elif event.is_past:
            outcome.skipped.append((event, _("all its sessions have ended")))
        else:
            services.event_submit(event=event)
            outcome.done.append(event)
    return outcome


def events_close_registration(*, events) -> int:
    """Stop new registrations (people already registered keep their places; the listing
    stays in the catalog). Returns how many listings changed."""
    ids = [event.pk for event in events]
    return Event.objects.filter(pk__in=ids, registration_closed=False).update(
        registration_closed=True, updated_at=timezone.now()
    )


EXPORT_HEADER = [
    "title",
    "title_es",
    "provider",
    "status",
    "kind",
    "format",
    "language",
    "first session",
    "last session ends",
    "sessions",
    "capacity",
    "confirmed",
    "waiting",
    "registration closed",
    "url",
]


def export_rows(events):
    """One row per listing for the CSV export, in a fixed number of queries (the
    queryset is annotated with its sessions and registration counts)."""
    events = events.select_related("provider").annotate(
        session_count=models.Count("sessions", distinct=True),
        confirmed_count=models.Count(
            "registrations",
            filter=models.Q(registrations__status=Registration.Status.CONFIRMED),
            distinct=True,
        ),
        waiting_count=models.Count(
            "registrations",
            filter=models.Q(registrations__status=Registration.Status.WAITLISTED),
            distinct=True,
        ),
    )

    def when(moment):
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""

    for event in events.order_by("starts_at", "title"):
        yield [
            event.title,
            event.title_es,
            event.provider.name,
            event.status,
            event.kind,
            event.format,
            event.language,
            when(event.starts_at),
            when(event.ends_at),
            event.session_count,
            "" if event.capacity is None else event.capacity,
            event.confirmed_count,
            event.waiting_count,
            "yes" if event.registration_closed else "no",
            event.get_absolute_url(),
        ]
