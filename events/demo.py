"""Demo data for the catalog: topics, events of every kind with sessions, registrations
with waiting lists, and attendance at past events.

Events are keyed by slug (derived from their index), so the seed is idempotent and
`--events N` always yields the same catalog; registrations are made only for events
created in the same run, so running again duplicates nothing.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from providers.models import Provider
from trec.accounts.models import GradeBand, User

from .models import Attendance, Event, EventSession, Registration, Topic
from .search import refresh_search_vectors

TOPICS = [
    "Trauma-informed practice",
    "Social-emotional learning",
    "Early literacy",
    "Mathematics instruction",
    "STEM and science",
    "English language learners",
    "Special education and inclusion",
    "Classroom management",
    "Educator wellness and resiliency",
    "Family and community engagement",
    "Culturally responsive teaching",
    "Mentoring and coaching",
    "Technology integration",
    "Arts integration",
    "Early childhood development",
    "School leadership",
]

FORMATS = {
    Event.Kind.EVENT: "Workshop",
    Event.Kind.WEBINAR: "Webinar",
    Event.Kind.PROGRAM: "Series",
    Event.Kind.ON_DEMAND: "Toolkit",
}
OPENERS = [
    "Practical",
    "Hands-on",
    "Beyond the Basics:",
    "Getting Started with",
    "Deepening",
    "Everyday",
    "Bilingual",
    "Monday-Ready",
]
VENUES = [
    ("TREC Learning Center", "1430 E. Second St., Tucson, AZ 85721"),
    ("Pima County Public Library — Joel D. Valdez Main", "101 N. Stone Ave., Tucson, AZ 85701"),
    ("Sunnyside District Office", "2238 E. Ginter Rd., Tucson, AZ 85706"),
    ("Marana Education Center", "11279 W. Grier Rd., Marana, AZ 85653"),
]
KIND_WEIGHTS = [
    (Event.Kind.EVENT, 35),
    (Event.Kind.WEBINAR, 35),
    (Event.Kind.PROGRAM, 10),
    (Event.Kind.ON_DEMAND, 20),
]


def seed_topics(ctx) -> None:
    for name in TOPICS:
        Topic.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    ctx.report("topics", Topic.objects.count())


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _build_event(index, rng, providers, topics):
    kind = rng.choices(*zip(*KIND_WEIGHTS, strict=True))[0]
    topic = rng.choice(topics)
    title = f"{rng.choice(OPENERS)} {topic.name} {FORMATS[kind]}"
    fmt = (
        Event.Format.VIRTUAL
        if kind in (Event.Kind.WEBINAR, Event.Kind.ON_DEMAND)
        else rng.choice([Event.Format.IN_PERSON, Event.Format.IN_PERSON, Event.Format.HYBRID])
    )
    external = kind != Event.Kind.ON_DEMAND and rng.random() < 0.15
    venue, address = rng.choice(VENUES) if fmt != Event.Format.VIRTUAL else ("", "")
    status = Event.Status.PUBLISHED
    roll = rng.random()
    if roll < 0.03:
        status = Event.Status.SUBMITTED
    elif roll < 0.05:
        status = Event.Status.DRAFT
    elif roll < 0.07:
        status = Event.Status.CANCELLED
    capacity = None if kind == Event.Kind.ON_DEMAND else rng.choice([None, 12, 20, 25, 30, 40, 100])
    event = Event(
        provider=rng.choice(providers),
        title=title,
        slug=f"{slugify(title)}-{index}",
        summary=(
            f"A {FORMATS[kind].lower()} on {topic.name.lower()} for educators who want "
            "strategies they can use right away."
        ),
        description=(
            f"## What you will learn\n\n- Research-based approaches to {topic.name.lower()}\n"
            "- Classroom-ready strategies and materials\n- Time to plan with colleagues\n\n"
            "## Who should attend\n\nEducators of the grade bands listed, and anyone "
            "supporting them."
        ),
        kind=kind,
        format=fmt,
        language=rng.choices(["en", "es", "bilingual"], [80, 8, 12])[0],
        cost=Decimal("0") if rng.random() < 0.75 else Decimal(rng.choice([15, 25, 40, 75, 150])),
        pd_hours=Decimal(rng.choice(["1", "1.5", "2", "3", "6", "12"])),
        capacity=capacity,
        registration_mode=(
            Event.RegistrationMode.EXTERNAL if external else Event.RegistrationMode.HUB
        ),
        external_registration_url=f"https://register.example.org/{index}" if external else "",
        requires_approval=rng.random() < 0.05,
        venue_name=venue,
        address=address,
        join_url=f"https://meet.example.org/trec-{index}" if fmt != Event.Format.IN_PERSON else "",
        recording_url=f"https://video.example.org/trec-{index}"
        if kind == Event.Kind.ON_DEMAND
        else "",
        status=status,
        published_at=timezone.now() - datetime.timedelta(days=rng.randint(1, 200))
        if status in (Event.Status.PUBLISHED, Event.Status.CANCELLED)
        else None,
    )
    return event, topic


def _sessions_for(event, rng, today):
    if event.kind == Event.Kind.ON_DEMAND:
        return []
    day = today + datetime.timedelta(days=rng.randint(-120, 180))
    count = rng.randint(3, 6) if event.kind == Event.Kind.PROGRAM else 1
    hour = rng.choice([9, 13, 15, 16, 17]) if event.kind != Event.Kind.WEBINAR else 16
    length = 1 if event.kind == Event.Kind.WEBINAR else rng.choice([2, 3])
    return [
        EventSession(
            event=event,
            title=f"Session {n + 1}" if count > 1 else "",
            starts_at=_at(day + datetime.timedelta(weeks=n), hour),
            ends_at=_at(day + datetime.timedelta(weeks=n), hour + length),
        )
        for n in range(count)
    ]


def seed_events(ctx, batch_size: int = 1000) -> None:
    total = ctx.options["events"]
    providers = list(Provider.objects.all())
    topics = list(Topic.objects.all())
    bands = list(GradeBand.objects.all())
    existing = set(Event.objects.values_list("slug", flat=True))
    today = timezone.localdate()
    new_ids = []
    for start in range(0, total, batch_size):
        events, extras = [], []
        for index in range(start, min(start + batch_size, total)):
            rng = random.Random(f"event-{index}")  # noqa: S311 - demo data
            event, topic = _build_event(index, rng, providers, topics)
            if event.slug in existing:
                continue
            events.append(event)
            extras.append((rng, topic))
        Event.objects.bulk_create(events)
        sessions, topic_links, band_links = [], [], []
        for event, (rng, topic) in zip(events, extras, strict=True):
            sessions += _sessions_for(event, rng, today)
            more = rng.sample(topics, k=rng.randint(0, 2))
            for t in {topic, *more}:
                topic_links.append(Event.topics.through(event_id=event.pk, topic_id=t.pk))
            start_band = rng.randrange(len(bands))
            for band in bands[start_band : start_band + rng.randint(1, 3)]:
                band_links.append(
                    Event.grade_bands.through(event_id=event.pk, gradeband_id=band.pk)
                )
        EventSession.objects.bulk_create(sessions)
        Event.topics.through.objects.bulk_create(topic_links)
        Event.grade_bands.through.objects.bulk_create(band_links)
        new_ids += [event.pk for event in events]
        ctx.progress("events", min(start + batch_size, total), total)
    _sync_schedules(new_ids)
    refresh_search_vectors(event_ids=new_ids)
    ctx.new_event_ids = new_ids
    ctx.report("events created", len(new_ids))
    ctx.report("events", Event.objects.count())


def _sync_schedules(event_ids) -> None:
    """The bulk equivalent of services.event_sync_schedule for freshly seeded events."""
    from django.db.models import Max, Min, OuterRef, Subquery

    spans = EventSession.objects.filter(event=OuterRef("pk")).order_by().values("event")
    Event.objects.filter(pk__in=event_ids).update(
        starts_at=Subquery(spans.annotate(v=Min("starts_at")).values("v")),
        ends_at=Subquery(spans.annotate(v=Max("ends_at")).values("v")),
    )


def seed_registrations(ctx, batch_size: int = 5000) -> None:
    """Registrations for the events created in this run: seats filled in order, the rest
    on the waiting list, and attendance at sessions that already happened."""
    event_ids = getattr(ctx, "new_event_ids", [])
    target = ctx.options["registrations"]
    educator_ids = list(
        User.objects.filter(email__endswith="@example.org").values_list("pk", flat=True)
    )
    if not event_ids or not educator_ids or target <= 0:
        ctx.report("registrations created", 0)
        return
    events = list(
        Event.objects.filter(
            pk__in=event_ids,
            registration_mode=Event.RegistrationMode.HUB,
            status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED],
        ).only("pk", "capacity", "kind", "ends_at")
    )
    if not events:
        return
    per_event = max(1, round(target / len(events) * 0.8))  # popular events take the rest
    now = timezone.now()
    created = 0
    pending: list[Registration] = []
    for event in events:
        if created + len(pending) >= target:
            break
        rng = random.Random(f"registrations-{event.pk}")  # noqa: S311 - demo data
        want = min(len(educator_ids), max(0, int(rng.gauss(per_event, per_event / 2))))
        if event.capacity and rng.random() < 0.3:
            want = max(want, event.capacity + rng.randint(1, 8))  # a popular one: waiting list
        for n, user_id in enumerate(rng.sample(educator_ids, k=min(want, len(educator_ids)))):
            seat = event.capacity is None or n < event.capacity
            pending.append(
                Registration(
                    event_id=event.pk,
                    user_id=user_id,
                    status=Registration.Status.CONFIRMED
                    if seat
                    else Registration.Status.WAITLISTED,
                    queue_number=None if seat else n - event.capacity + 1,
                    confirmed_at=now if seat else None,
                )
            )
        if len(pending) >= batch_size:
            created += _flush(pending)
            ctx.progress("registrations", created, target)
    created += _flush(pending)
    _attend_past_sessions(event_ids, now)
    ctx.report("registrations created", created)
    ctx.report("registrations", Registration.objects.count())


def _flush(pending: list) -> int:
    Registration.objects.bulk_create(pending, ignore_conflicts=True)
    count = len(pending)
    pending.clear()
    return count


def _attend_past_sessions(event_ids, now) -> None:
    """Most confirmed registrants of past sessions attended them."""
    rows = (
        Registration.objects.filter(
            event_id__in=event_ids,
            status=Registration.Status.CONFIRMED,
            event__sessions__ends_at__lt=now,
        )
        .values_list("pk", "event__sessions__pk")
        .iterator(chunk_size=5000)
    )
    batch = []
    for registration_id, session_id in rows:
        if random.Random(f"{registration_id}-{session_id}").random() < 0.85:  # noqa: S311
            batch.append(Attendance(registration_id=registration_id, session_id=session_id))
        if len(batch) >= 5000:
            Attendance.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Attendance.objects.bulk_create(batch, ignore_conflicts=True)
