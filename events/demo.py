"""Demo data for the catalog: topics, events of every kind with sessions, registrations
with waiting lists, and attendance at past events.

Events are keyed by slug (derived from their index), so the seed is idempotent and
`--events N` always yields the same catalog; registrations are made only for events
created in the same run, so running again duplicates nothing.
"""

import datetime
import random
from decimal import Decimal

from django.db.models import Max, Min, OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify

from providers.models import Provider
from trec.accounts.models import GradeBand, User

from .attendance import event_credits_sync
from .covers import theme_for_slugs
from .models import (
    Attendance,
    Event,
    EventSession,
    ExpoBooth,
    Registration,
    SessionChoice,
    Topic,
)
from .search import refresh_search_vectors
from .services import (
    event_links_sync,
    listed_titles_refresh,
    next_sessions_refresh,
    seats_refresh,
)

TOPICS_ES = {
    "Trauma-informed practice": "Prácticas informadas sobre el trauma",
    "Social-emotional learning": "Aprendizaje socioemocional",
    "Early literacy": "Lectoescritura temprana",
    "Mathematics instruction": "Enseñanza de las matemáticas",
    "STEM and science": "STEM y ciencias",
    "English language learners": "Estudiantes de inglés",
    "Special education and inclusion": "Educación especial e inclusión",
    "Classroom management": "Manejo del aula",
    "Educator wellness and resiliency": "Bienestar y resiliencia docente",
    "Family and community engagement": "Participación de las familias y la comunidad",
    "Culturally responsive teaching": "Enseñanza culturalmente receptiva",
    "Mentoring and coaching": "Mentoría y acompañamiento",
    "Technology integration": "Integración de la tecnología",
    "Arts integration": "Integración de las artes",
    "Early childhood development": "Desarrollo en la primera infancia",
    "School leadership": "Liderazgo escolar",
    "Educational equity": "Equidad educativa",
}
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
    "Educational equity",
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
# The Spanish side of the demo catalog: every Spanish or bilingual listing and about one
# English listing in six carry Spanish texts (a third of the catalog in all).
FORMATS_ES = {
    Event.Kind.EVENT: ("Taller", "un taller"),
    Event.Kind.WEBINAR: ("Seminario web", "un seminario web"),
    Event.Kind.PROGRAM: ("Serie", "una serie"),
    Event.Kind.ON_DEMAND: ("Caja de herramientas", "una caja de herramientas"),
}
OPENERS_ES = {
    "Practical": "en la práctica",
    "Hands-on": "paso a paso",
    "Beyond the Basics:": "más allá de lo básico",
    "Getting Started with": "primeros pasos",
    "Deepening": "para profundizar",
    "Everyday": "en el día a día",
    "Bilingual": "bilingüe",
    "Monday-Ready": "para aplicar el lunes",
}
PRESENTERS = [
    "Dr. Ana Lucía Moreno — early literacy specialist and former kindergarten teacher",
    "Marcus Whitfield — instructional coach, twelve years in middle-school mathematics",
    "Rosa Delgado — bilingual education coordinator for a partner district",
    "Dr. Karen Begay — school psychologist and trauma-informed practice trainer",
    "James Okafor — STEM teacher on special assignment and maker-space lead",
    "Lupita Herrera — family engagement liaison and community organiser",
]
SPANISH_SHARE_OF_ENGLISH = 0.17
KIND_WEIGHTS = [
    (Event.Kind.EVENT, 35),
    (Event.Kind.WEBINAR, 35),
    (Event.Kind.PROGRAM, 10),
    (Event.Kind.ON_DEMAND, 20),
]


def seed_topics(ctx) -> None:
    for name in TOPICS:
        topic, _created = Topic.objects.get_or_create(slug=slugify(name), defaults={"name": name})
        if not topic.name_es and TOPICS_ES.get(name):
            topic.name_es = TOPICS_ES[name]
            topic.save(update_fields=["name_es"])
    ctx.report("topics", Topic.objects.count())


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _lower_first(text: str) -> str:
    """ "Lectoescritura temprana" -> "lectoescritura temprana"; "STEM y ciencias" stays."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _spanish_texts(index, event, opener, topic) -> None:
    """Spanish title, summary and description for the share of listings that have them."""
    rng = random.Random(f"event-es-{index}")  # noqa: S311 - demo data, its own stream
    if event.language == "en" and rng.random() >= SPANISH_SHARE_OF_ENGLISH:
        return
    name, with_article = FORMATS_ES[event.kind]
    topic_es = topic.name_es or topic.name
    event.title_es = f"{name}: {topic_es}, {OPENERS_ES[opener]}"
    event.summary_es = (
        f"{with_article[:1].upper()}{with_article[1:]} sobre {_lower_first(topic_es)} para "
        "docentes que buscan estrategias que puedan aplicar de inmediato."
    )
    event.description_es = (
        "## Lo que aprenderá\n\n- Enfoques basados en la investigación sobre "
        f"{_lower_first(topic_es)}\n- Estrategias y materiales listos para el aula\n"
        "- Tiempo para planificar con colegas\n\n## Quién debería asistir\n\n"
        "Docentes de los niveles indicados y todas las personas que los apoyan."
    )


def _build_event(index, rng, providers, topics):
    kind = rng.choices(*zip(*KIND_WEIGHTS, strict=True))[0]
    topic = rng.choice(topics)
    opener = rng.choice(OPENERS)
    title = f"{opener} {topic.name} {FORMATS[kind]}"
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
    if event.cost:  # how people pay, chosen by position so the random draws stay the same
        methods = list(Event.PaymentMethod)
        event.payment_method = methods[index % len(methods)]
        event.payment_instructions = PAYMENT_NOTES[event.payment_method]
    event.cover_theme = theme_for_slugs([topic.slug])
    if index % 3 == 0:  # by position, so the random draws stay the same
        event.presenters_text = "\n".join(
            PRESENTERS[(index + step) % len(PRESENTERS)] for step in range(1 + index % 2)
        )
    _spanish_texts(index, event, opener, topic)
    return event, topic


PAYMENT_NOTES = {
    Event.PaymentMethod.DISTRICT_PO: "Ask your school office for a PO and quote it when you "
    "register; the provider invoices your district.",
    Event.PaymentMethod.AT_THE_DOOR: "Card or check on the day. Registering holds your seat.",
    Event.PaymentMethod.PROVIDER_SITE: "After registering here, pay within 7 days on the "
    "provider's website; unpaid seats are released.",
    Event.PaymentMethod.INVOICE: "The provider e-mails an invoice within two working days.",
}


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
            title_es=f"Sesión {n + 1}" if count > 1 and event.title_es else "",
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
    event_links_sync(event_ids=new_ids)  # the links were written in bulk, without signals
    refresh_search_vectors(event_ids=new_ids)
    listed_titles_refresh()
    ctx.new_event_ids = new_ids
    ctx.report("events created", len(new_ids))
    ctx.report("events", Event.objects.count())


def _sync_schedules(event_ids) -> None:
    """The bulk equivalent of services.event_sync_schedule for freshly seeded events."""
    spans = EventSession.objects.filter(event=OuterRef("pk")).order_by().values("event")
    Event.objects.filter(pk__in=event_ids).update(
        starts_at=Subquery(spans.annotate(v=Min("starts_at")).values("v")),
        ends_at=Subquery(spans.annotate(v=Max("ends_at")).values("v")),
    )
    next_sessions_refresh(event_ids=event_ids)


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
    per_event = max(1, round(target / len(events)))
    now = timezone.now()
    created = 0
    pending: list[Registration] = []
    for event in events:
        left = target - created - len(pending)
        if left <= 0:
            break
        rng = random.Random(f"registrations-{event.pk}")  # noqa: S311 - demo data
        want = min(len(educator_ids), max(0, int(rng.gauss(per_event, per_event / 2))))
        if event.capacity and rng.random() < 0.3:
            want = max(want, event.capacity + rng.randint(1, 8))  # a popular one: waiting list
        want = min(want, left)  # exactly --registrations in all (when there are enough)
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
    seats_refresh(event_ids=event_ids)
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


# --- Programs: the summit, its expo, and the Provider Spotlight webinars -----------------

SUMMIT_TRACKS = [
    ("Literacy and language", "Lectoescritura y lenguaje", "Room 101", "Salón 101"),
    ("Wellness and resiliency", "Bienestar y resiliencia", "Room 102", "Salón 102"),
    ("STEM and inclusion", "STEM e inclusión", "Room 103", "Salón 103"),
]
SUMMIT_SESSIONS_ES = {
    "Phonics that sticks in K–2": "Fonética que perdura en K–2",
    "Read-alouds for multilingual learners": "Lectura en voz alta para estudiantes multilingües",
    "Writing workshop in 30 minutes a day": "Taller de escritura en 30 minutos al día",
    "Bilingual family literacy nights": "Noches bilingües de lectoescritura en familia",
    "Vocabulary across the content areas": "Vocabulario en todas las materias",
    "Educator resiliency: refilling your cup": "Resiliencia docente: recargar energías",
    "Restorative circles in the classroom": "Círculos restaurativos en el aula",
    "Trauma-informed routines for early childhood": (
        "Rutinas informadas sobre el trauma para la primera infancia"
    ),
    "Mindful minutes with students": "Minutos de atención plena con los estudiantes",
    "Preventing burnout in your first five years": (
        "Cómo prevenir el agotamiento en sus primeros cinco años"
    ),
    "Math talks that include everyone": "Conversaciones matemáticas que incluyen a todos",
    "Hands-on science with what you have": "Ciencia práctica con lo que tiene a mano",
    "Co-teaching for inclusion": "Coenseñanza para la inclusión",
    "Coding unplugged for grades 3–8": "Programación sin computadora para los grados 3–8",
    "Universal design for learning in practice": (
        "El diseño universal para el aprendizaje en la práctica"
    ),
}
SUMMIT_SESSIONS = {
    "Literacy and language": [
        ("Phonics that sticks in K–2", "Ana Ruiz, Literacy Connects"),
        ("Read-alouds for multilingual learners", "Dr. Mateo Salas"),
        ("Writing workshop in 30 minutes a day", "Grace Kim"),
        ("Bilingual family literacy nights", "Lucía Herrera"),
        ("Vocabulary across the content areas", "Tom Becker"),
    ],
    "Wellness and resiliency": [
        ("Educator resiliency: refilling your cup", "TREC Collaborative"),
        ("Restorative circles in the classroom", "Marcus Bell"),
        ("Trauma-informed routines for early childhood", "Dr. Priya Nair"),
        ("Mindful minutes with students", "Ben's Bells Project"),
        ("Preventing burnout in your first five years", "Sara Ortiz"),
    ],
    "STEM and inclusion": [
        ("Math talks that include everyone", "Elena Duarte"),
        ("Hands-on science with what you have", "Flandrau Science Center"),
        ("Co-teaching for inclusion", "Dr. James Whitfield"),
        ("Coding unplugged for grades 3–8", "Code Tucson"),
        ("Universal design for learning in practice", "Rosa Jiménez"),
    ],
}
SUMMIT_SLOTS = [(9, 0), (10, 15), (11, 30), (13, 30), (14, 45)]  # 60-minute breakouts
SPOTLIGHT_SEGMENTS = 6
SPOTLIGHT_TITLES = [
    ("Free classroom kits and how to borrow them", "Kits gratuitos para el aula y cómo pedirlos"),
    ("Field trips that fit the standards", "Excursiones alineadas con los estándares"),
    ("Coaching for new teachers", "Acompañamiento para docentes nuevos"),
    ("Family engagement nights, ready to run", "Noches para familias, listas para organizar"),
    ("Bilingual read-aloud library", "Biblioteca bilingüe de lectura en voz alta"),
    ("Wellness workshops for school staff", "Talleres de bienestar para el personal escolar"),
]


def _summit(*, slug, title, title_es, day, provider, exhibitors, published_at) -> Event | None:
    """One full-day summit: a keynote, 3 tracks × 5 breakouts in rooms with seats, a
    closing session, and a resource expo. None when it already exists."""
    if Event.objects.filter(slug=slug).exists():
        return None
    event = Event.objects.create(
        provider=provider,
        title=title,
        title_es=title_es,
        slug=slug,
        summary=(
            "A full day of breakout sessions, a resource expo with the region's PD providers "
            "and time with colleagues from every district."
        ),
        summary_es=(
            "Un día completo de sesiones, una feria de recursos con los proveedores de la "
            "región y tiempo con colegas de todos los distritos."
        ),
        description=(
            "## The day\n\n- Opening keynote\n- Three tracks, five breakouts: choose your own "
            "schedule\n- Resource expo at lunch\n\nBuild your schedule after you register."
        ),
        description_es=(
            "## El día\n\n- Conferencia inaugural\n- Tres líneas temáticas, cinco sesiones: "
            "arme su propio horario\n- Feria de recursos al mediodía\n\nArme su horario "
            "después de inscribirse."
        ),
        kind=Event.Kind.PROGRAM,
        format=Event.Format.IN_PERSON,
        language=Event.Language.BILINGUAL,
        pd_hours=Decimal("6.5"),
        capacity=150,
        venue_name="University of Arizona Student Union Memorial Center",
        address="1303 E. University Blvd., Tucson, AZ 85719",
        status=Event.Status.PUBLISHED,
        published_at=published_at,
    )
    sessions = [
        EventSession(
            event=event,
            title="Opening keynote: Why educators stay",
            title_es="Conferencia inaugural: Por qué los educadores se quedan",
            starts_at=_at(day, 8, 0),
            ends_at=_at(day, 8, 45),
            location="Grand Ballroom",
            location_es="Gran salón",
            track="Plenary",
            track_es="Plenaria",
            presenters="Dr. Alicia Moreno",
            pd_hours=Decimal("0.75"),
        ),
        EventSession(
            event=event,
            title="Lunch and resource expo",
            title_es="Almuerzo y feria de recursos",
            starts_at=_at(day, 12, 30),
            ends_at=_at(day, 13, 15),
            location="Grand Ballroom",
            location_es="Gran salón",
            track="Plenary",
            track_es="Plenaria",
            pd_hours=Decimal("0"),
        ),
    ]
    for (track, track_es, room, room_es), seats in zip(SUMMIT_TRACKS, (40, 30, 35), strict=True):
        for (title_, presenters), (hour, minute) in zip(
            SUMMIT_SESSIONS[track], SUMMIT_SLOTS, strict=True
        ):
            start = _at(day, hour, minute)
            sessions.append(
                EventSession(
                    event=event,
                    title=title_,
                    title_es=SUMMIT_SESSIONS_ES[title_],
                    starts_at=start,
                    ends_at=start + datetime.timedelta(minutes=60),
                    location=room,
                    location_es=room_es,
                    track=track,
                    track_es=track_es,
                    capacity=seats,
                    presenters=presenters,
                    pd_hours=Decimal("1"),
                    description=f"A hands-on breakout in the “{track}” track.",
                    description_es="Una sesión práctica con materiales para llevar al aula.",
                )
            )
    EventSession.objects.bulk_create(sessions)
    ExpoBooth.objects.bulk_create(
        ExpoBooth(
            event=event,
            provider=exhibitor,
            booth=f"Table {n}",
            note="Take-home materials, upcoming PD dates and sign-ups.",
            note_es="Materiales, próximas fechas de desarrollo profesional e inscripciones.",
        )
        for n, exhibitor in enumerate(exhibitors, start=1)
    )
    _sync_schedules([event.pk])
    refresh_search_vectors(event_ids=[event.pk])
    event.refresh_from_db(fields=["starts_at", "ends_at"])
    return event


def _fill_summit(event, educator_ids, rng, *, people, attended: bool) -> int:
    """Register `people` educators, give each a schedule (one breakout per slot, seats
    permitting) and, for a past summit, check-ins and attendance with transcript hours."""
    now = timezone.now()
    chosen_users = rng.sample(educator_ids, k=min(people, len(educator_ids)))
    registrations = Registration.objects.bulk_create(
        Registration(
            event=event,
            user_id=user_id,
            status=Registration.Status.CONFIRMED,
            confirmed_at=now - datetime.timedelta(days=rng.randint(5, 40)),
            checked_in_at=(event.starts_at if attended and rng.random() < 0.95 else None),
        )
        for user_id in chosen_users
    )
    sessions = list(event.sessions.all())
    plenary = [s for s in sessions if s.capacity is None]
    by_slot: dict = {}
    for session in sessions:
        if session.capacity is not None:
            by_slot.setdefault(session.starts_at, []).append(session)
    taken = {session.pk: 0 for session in sessions}
    choices, attendance = [], []
    for registration in registrations:
        for slot_sessions in by_slot.values():
            options = [s for s in slot_sessions if taken[s.pk] < s.capacity]
            if not options or rng.random() < 0.1:
                continue
            session = rng.choice(options)
            taken[session.pk] += 1
            choices.append(
                SessionChoice(
                    registration=registration,
                    session=session,
                    status=SessionChoice.Status.CONFIRMED,
                    confirmed_at=registration.confirmed_at,
                )
            )
            if attended and registration.checked_in_at and rng.random() < 0.9:
                attendance.append(Attendance(registration=registration, session=session))
        if attended and registration.checked_in_at:
            attendance += [
                Attendance(registration=registration, session=session) for session in plenary
            ]
    SessionChoice.objects.bulk_create(choices)
    Attendance.objects.bulk_create(attendance, ignore_conflicts=True)
    seats_refresh(event_ids=[event.pk])
    if attended:
        event_credits_sync(event=event)
    return len(registrations)


def _spotlight(*, slug, title, title_es, day, provider, featured, past: bool) -> Event | None:
    """A Provider Spotlight webinar: 10-minute segments, each featuring one provider;
    once it has taken place, each segment links to its recording and the provider."""
    if Event.objects.filter(slug=slug).exists():
        return None
    event = Event.objects.create(
        provider=provider,
        title=title,
        title_es=title_es,
        slug=slug,
        summary="Ten minutes each: PD providers show what they offer educators this season.",
        summary_es="Diez minutos cada uno: los proveedores muestran lo que ofrecen.",
        kind=Event.Kind.PROGRAM,
        format=Event.Format.VIRTUAL,
        pd_hours=Decimal("1"),
        join_url=f"https://meet.example.org/{slug}",
        recording_url=f"https://video.example.org/{slug}" if past else "",
        status=Event.Status.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(days=60),
    )
    EventSession.objects.bulk_create(
        EventSession(
            event=event,
            title=SPOTLIGHT_TITLES[n % len(SPOTLIGHT_TITLES)][0],
            title_es=SPOTLIGHT_TITLES[n % len(SPOTLIGHT_TITLES)][1],
            starts_at=_at(day, 15, 30) + datetime.timedelta(minutes=10 * n),
            ends_at=_at(day, 15, 40) + datetime.timedelta(minutes=10 * n),
            location="Online",
            location_es="En línea",
            featured_provider=exhibitor,
            presenters=f"{exhibitor.name} team",
            pd_hours=Decimal("0.25"),
            recording_url=f"https://video.example.org/{slug}#segment-{n + 1}" if past else "",
            provider_link=f"{exhibitor.website or 'https://example.org'}/educators" if past else "",
        )
        for n, exhibitor in enumerate(featured)
    )
    _sync_schedules([event.pk])
    refresh_search_vectors(event_ids=[event.pk])
    event.refresh_from_db(fields=["starts_at", "ends_at"])
    return event


def seed_programs(ctx) -> None:
    """The TREC Educator Summit 2027 (upcoming, registrations open, schedules being built),
    last year's summit (taken place: check-ins, attendance, transcript hours, so the
    impact report has summit figures), and the PD Provider Spotlight webinars."""
    providers = list(Provider.objects.order_by("name"))
    educator_ids = list(
        User.objects.filter(email__endswith="@example.org").values_list("pk", flat=True)
    )
    if len(providers) < 2:
        ctx.report("programs created", 0)
        return
    host = next((p for p in providers if p.name == "TREC Collaborative"), providers[0])
    others = [p for p in providers if p.pk != host.pk]
    rng = random.Random("programs")  # noqa: S311 - demo data
    exhibitors = rng.sample(others, k=min(12, len(others)))
    today = timezone.localdate()
    educators = len(educator_ids)
    created = registrations = 0
    upcoming = _summit(
        slug="trec-educator-summit-2027",
        title="TREC Educator Summit 2027",
        title_es="Cumbre de Educadores TREC 2027",
        day=today + datetime.timedelta(days=90),
        provider=host,
        exhibitors=exhibitors,
        published_at=timezone.now() - datetime.timedelta(days=20),
    )
    if upcoming:
        created += 1
        registrations += _fill_summit(
            upcoming, educator_ids, rng, people=min(60, educators // 3), attended=False
        )
    past = _summit(
        slug="trec-educator-summit-2026",
        title="TREC Educator Summit 2026",
        title_es="Cumbre de Educadores TREC 2026",
        day=today - datetime.timedelta(days=200),
        provider=host,
        exhibitors=rng.sample(others, k=min(12, len(others))),
        published_at=timezone.now() - datetime.timedelta(days=300),
    )
    if past:
        created += 1
        registrations += _fill_summit(
            past, educator_ids, rng, people=min(104, educators // 2), attended=True
        )
    for slug, title, title_es, days, is_past in [
        (
            "pd-provider-spotlight-fall",
            "PD Provider Spotlight: Fall",
            "Vitrina de proveedores: otoño",
            -45,
            True,
        ),
        (
            "pd-provider-spotlight-spring",
            "PD Provider Spotlight: Spring",
            "Vitrina de proveedores: primavera",
            60,
            False,
        ),
    ]:
        spotlight = _spotlight(
            slug=slug,
            title=title,
            title_es=title_es,
            day=today + datetime.timedelta(days=days),
            provider=host,
            featured=rng.sample(others, k=min(SPOTLIGHT_SEGMENTS, len(others))),
            past=is_past,
        )
        if spotlight:
            created += 1
            if is_past:
                registrations += _fill_summit(
                    spotlight, educator_ids, rng, people=min(40, educators // 4), attended=True
                )
    ctx.report("programs created", created)
    ctx.report("program registrations created", registrations)
