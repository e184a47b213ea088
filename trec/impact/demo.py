"""Demo step: a history for the impact report, then its snapshots.

The catalog's demo events sit around today, so this step adds the year before and
the months since: past events with sessions, registrations (a few cancelled),
attendance and transcript credits, a yearly summit, and accounts that joined over
time. Then it computes the snapshots for both calendar years and both school years
directly (not through the broker). Idempotent: events are keyed by slug, and a second
run only recomputes the snapshots.
"""

import datetime
import random
from decimal import Decimal

from django.db.models import Max, Min, OuterRef, Subquery
from django.utils import timezone

from events.attendance import event_credits_sync
from events.models import Attendance, Event, EventSession, Registration, Topic
from events.services import event_links_sync, seats_refresh
from providers.models import Provider
from trec.accounts.models import User

from . import services
from .periods import Period

SLUG_PREFIX = "impact-history"
# Program sessions carry their own PD hours once the summit work has landed.
SESSION_HOURS = any(f.name == "pd_hours" for f in EventSession._meta.get_fields())
KINDS = [(Event.Kind.EVENT, 45), (Event.Kind.WEBINAR, 40), (Event.Kind.ON_DEMAND, 15)]
TITLES = {
    Event.Kind.EVENT: "Workshop",
    Event.Kind.WEBINAR: "Webinar",
    Event.Kind.ON_DEMAND: "Toolkit",
}


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _history_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """From January 1 of last year to just before the catalog's own demo events."""
    return datetime.date(today.year - 1, 1, 1), today - datetime.timedelta(days=125)


def _make_events(rng, count, providers, topics, first, last):
    span = (last - first).days
    events, links, sessions = [], [], []
    for index in range(count):
        slug = f"{SLUG_PREFIX}-{first.year}-{index}"
        kind = rng.choices(*zip(*KINDS, strict=True))[0]
        topic = rng.choice(topics)
        # Later months are busier: the collaborative is growing.
        day = first + datetime.timedelta(days=int(span * (rng.random() ** 0.8)))
        event = Event(
            provider=rng.choice(providers),
            title=f"{topic.name} {TITLES[kind]} ({day:%B %Y})",
            slug=slug,
            summary=f"A {TITLES[kind].lower()} on {topic.name.lower()} from the archive.",
            kind=kind,
            format=Event.Format.VIRTUAL if kind != Event.Kind.EVENT else Event.Format.IN_PERSON,
            pd_hours=Decimal(rng.choice(["1", "1.5", "2", "3"])),
            status=Event.Status.ARCHIVED,
            published_at=_at(day - datetime.timedelta(days=rng.randint(14, 45)), 9),
        )
        events.append(event)
        links.append(topic)
        sessions.append(day)
    return events, links, sessions


def _summit(year: int, provider) -> tuple[Event, list[datetime.date]]:
    day = datetime.date(year, 6, 10)
    event = Event(
        provider=provider,
        title=f"Regional Educator Summit {year}",
        title_es=f"Cumbre Regional de Educadores {year}",
        slug=f"{SLUG_PREFIX}-summit-{year}",
        summary="Two days of sessions, keynotes and planning time with colleagues.",
        kind=Event.Kind.PROGRAM,
        format=Event.Format.IN_PERSON,
        pd_hours=Decimal("12"),
        status=Event.Status.ARCHIVED,
        published_at=_at(day - datetime.timedelta(days=90), 9),
    )
    return event, [day, day + datetime.timedelta(days=1)]


def seed_history(ctx) -> None:
    today = timezone.localdate()
    first, last = _history_window(today)
    slug = f"{SLUG_PREFIX}-{first.year}-0"
    if Event.objects.filter(slug=slug).exists() or last <= first:
        ctx.report("impact history events created", 0)
        return
    providers = list(Provider.objects.all()[:60])
    topics = list(Topic.objects.all())
    educators = list(
        User.objects.filter(email__endswith="@example.org").values_list("pk", flat=True)
    )
    if not providers or not topics or not educators:
        return
    rng = random.Random(f"impact-history-{first.year}")  # noqa: S311 - demo data
    count = max(20, ctx.options["events"] // 2)
    events, topic_links, days = _make_events(rng, count, providers, topics, first, last)
    summits = [
        _summit(year, providers[0])
        for year in (first.year, first.year + 1)
        if datetime.date(year, 6, 11) < last
    ]
    Event.objects.bulk_create(events + [event for event, _days in summits])
    Event.topics.through.objects.bulk_create(
        Event.topics.through(event_id=event.pk, topic_id=topic.pk)
        for event, topic in zip(events, topic_links, strict=True)
    )
    event_links_sync(event_ids=[event.pk for event in events], fields=("topic_ids",))
    session_rows = []
    for event, day in zip(events, days, strict=True):
        if event.kind != Event.Kind.ON_DEMAND:
            hours = 1 if event.kind == Event.Kind.WEBINAR else 3
            session_rows.append(
                EventSession(event=event, starts_at=_at(day, 15), ends_at=_at(day, 15 + hours))
            )
    for event, summit_days in summits:
        extra = {"pd_hours": Decimal("6")} if SESSION_HOURS else {}
        session_rows += [
            EventSession(event=event, starts_at=_at(day, 8), ends_at=_at(day, 14), **extra)
            for day in summit_days
        ]
    EventSession.objects.bulk_create(session_rows)
    spans = EventSession.objects.filter(event=OuterRef("pk")).order_by().values("event")
    Event.objects.filter(pk__in={s.event_id for s in session_rows}).update(
        starts_at=Subquery(spans.annotate(v=Min("starts_at")).values("v")),
        ends_at=Subquery(spans.annotate(v=Max("ends_at")).values("v")),
    )

    # Registrations: more people as time goes on; a few cancel; most confirmed attend.
    registrations = []
    held = [s.event for s in session_rows]
    per_event = max(6, ctx.options["registrations"] // max(1, 2 * len(held)))
    for event in dict.fromkeys(held):
        size = per_event * (8 if event.kind == Event.Kind.PROGRAM else 1)
        want = rng.randint(size // 2, size * 2)
        for user_id in rng.sample(educators, k=min(len(educators), want)):
            cancelled = rng.random() < 0.08
            registrations.append(
                Registration(
                    event=event,
                    user_id=user_id,
                    status=Registration.Status.CANCELLED
                    if cancelled
                    else Registration.Status.CONFIRMED,
                )
            )
    Registration.objects.bulk_create(registrations, ignore_conflicts=True)
    seats_refresh(event_ids={event.pk for event in held})
    attendance = []
    for session in session_rows:
        for registration in Registration.objects.filter(
            event_id=session.event_id, status=Registration.Status.CONFIRMED
        ).only("pk"):
            if rng.random() < 0.85:
                attendance.append(Attendance(registration=registration, session=session))
    Attendance.objects.bulk_create(attendance, ignore_conflicts=True)
    published = Event.objects.filter(pk=OuterRef("event_id")).values("published_at")[:1]
    Registration.objects.filter(event__slug__startswith=SLUG_PREFIX).update(
        created_at=Subquery(published) + datetime.timedelta(days=3)
    )

    # Accounts joined over time, so "new accounts" and "site users" grow year on year.
    people = list(User.objects.filter(pk__in=educators).only("pk", "date_joined"))
    for person in people:
        person.date_joined = _at(first, 9) + datetime.timedelta(
            days=rng.randint(0, max(1, (today - first).days))
        )
    User.objects.bulk_update(people, ["date_joined"], batch_size=1000)

    for event in dict.fromkeys(held):
        event_credits_sync(event=event)
    ctx.report("impact history events created", len(events) + len(summits))
    ctx.report("impact history attendances", len(attendance))


def seed_snapshots(ctx) -> None:
    """History first, then the last two calendar and school years' snapshots."""
    seed_history(ctx)
    today = timezone.localdate()
    periods = [
        Period.year(today.year - 1),
        Period.year(today.year),
        Period.school_year_of(today).previous(),
        Period.school_year_of(today),
    ]
    for period in periods:
        snapshot = services.snapshot_get_or_create(period=period)
        snapshot = services.snapshot_compute(snapshot_id=snapshot.pk)
        ctx.report(f"impact snapshot {period.label} ({snapshot.duration_ms} ms)", 1)
