"""Demo providers: the collaborative's real partners plus a region's worth of others."""

import datetime
import random

from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify

from events.models import Event, EventSession, Topic
from events.services import event_saved
from trec.accounts.models import District
from trec.accounts.roles import PROVIDER_STAFF_GROUP

from .models import (
    Offering,
    OfferingDuration,
    Provider,
    ProviderMembership,
    RequestUpdate,
    SessionRequest,
)

PARTNERS = [
    (
        "Ben's Bells Project",
        Provider.Kind.NONPROFIT,
        "Inspiring, educating and motivating people to practice intentional kindness.",
    ),
    (
        "Tucson Values Teachers",
        Provider.Kind.NONPROFIT,
        "Recruiting, supporting and retaining great teachers in Southern Arizona.",
    ),
    (
        "SAZAEYC",
        Provider.Kind.NONPROFIT,
        "The Southern Arizona Association for the Education of Young Children.",
    ),
    (
        "Project ECHO at the University of Arizona",
        Provider.Kind.UNIVERSITY,
        "Case-based virtual learning communities that connect educators with specialists.",
    ),
    (
        "TREC Collaborative",
        Provider.Kind.UNIVERSITY,
        "The hub's own team: educator wellness, resiliency and the annual summit.",
    ),
]
PLACES = [
    "Sonoran", "Pima", "Santa Cruz", "Rincon", "Catalina", "Saguaro", "Desert", "Old Pueblo",
    "Tucson", "Southern Arizona", "Borderlands", "Mesquite", "Sky Island", "Canyon",
    "Baja Arizona", "Rillito", "Tanque Verde", "Sabino", "Ocotillo", "Agua Caliente",
]  # fmt: skip
KINDS = [
    ("Literacy Network", Provider.Kind.NONPROFIT),
    ("STEM Collaborative", Provider.Kind.NONPROFIT),
    ("Education Foundation", Provider.Kind.NONPROFIT),
    ("Learning Lab", Provider.Kind.COMPANY),
    ("Arts Alliance", Provider.Kind.COMMUNITY),
    ("Family Resource Center", Provider.Kind.COMMUNITY),
    ("Teacher Institute", Provider.Kind.UNIVERSITY),
    ("Regional Education Service", Provider.Kind.GOVERNMENT),
    ("Wellness Partners", Provider.Kind.COMPANY),
    ("Science Center", Provider.Kind.NONPROFIT),
]
# The partners' own Spanish summaries (the profile pages most educators open).
PARTNER_SUMMARIES_ES = {
    "Ben's Bells Project": "Inspiramos, educamos y motivamos a practicar la bondad intencional.",
    "Tucson Values Teachers": "Atraemos, apoyamos y retenemos a grandes docentes en el sur de "
    "Arizona.",
    "SAZAEYC": "La asociación del sur de Arizona para la educación de la primera infancia.",
    "Project ECHO at the University of Arizona": "Comunidades virtuales de aprendizaje basadas en "
    "casos que conectan a los educadores con especialistas.",
    "TREC Collaborative": "El equipo del centro: bienestar y resiliencia docente y la cumbre "
    "anual.",
}
DEMO_PROVIDER = "Tucson Values Teachers"


def provider_names(count: int) -> list[tuple[str, str, str]]:
    names = [(name, kind, summary) for name, kind, summary in PARTNERS]
    for place in PLACES:
        for suffix, kind in KINDS:
            if len(names) >= count:
                return names[:count]
            names.append(
                (
                    f"{place} {suffix}",
                    kind,
                    f"Professional learning from the {place} {suffix.lower()}.",
                )
            )
    return names[:count]


def seed_providers(ctx) -> None:
    rng = random.Random(42)  # noqa: S311 - demo data
    topics = list(Topic.objects.all())
    districts = list(District.objects.all())
    existing = set(Provider.objects.values_list("slug", flat=True))
    partner_names = {name for name, _, _ in PARTNERS}
    created = []
    for name, kind, summary in provider_names(max(ctx.options["providers"], len(PARTNERS))):
        slug = slugify(name)
        if slug in existing:
            continue
        provider = Provider.objects.create(
            name=name,
            slug=slug,
            kind=kind,
            summary=summary,
            description=(
                f"{summary}\n\n## What we offer\n\n- Workshops and webinars for educators\n"
                "- On-demand resources you can use at your own pace\n"
                "- Coaching and on-site sessions for schools"
            ),
            summary_es=PARTNER_SUMMARIES_ES.get(name, ""),
            description_es=(
                f"{PARTNER_SUMMARIES_ES[name]}\n\n## Lo que ofrecemos\n\n- Talleres y "
                "seminarios web para educadores\n- Recursos a pedido para avanzar a su propio "
                "ritmo\n- Acompañamiento y sesiones presenciales para escuelas"
            )
            if name in PARTNER_SUMMARIES_ES
            else "",
            website=f"https://{slug}.example.org",
            contact_email=f"learning@{slug}.example.org",
            contact_phone=f"(520) 555-{rng.randint(1000, 9999)}",
            is_partner=name in partner_names,
            is_verified=name in partner_names or rng.random() < 0.6,
        )
        provider.topics.set(rng.sample(topics, k=min(len(topics), rng.randint(2, 5))))
        provider.service_area.set(rng.sample(districts, k=min(len(districts), rng.randint(2, 6))))
        created.append(provider)
    staff = ctx.people.get("provider_staff")
    if staff is not None:
        staff.groups.add(Group.objects.get(name=PROVIDER_STAFF_GROUP))
        ProviderMembership.objects.get_or_create(
            user=staff,
            provider=Provider.objects.get(name=DEMO_PROVIDER),
            defaults={"role": ProviderMembership.Role.OWNER},
        )
    ctx.report("providers created", len(created))
    ctx.report("providers", Provider.objects.count())


# --- On-site offerings and requests -------------------------------------------------------

OFFERINGS = {
    "TREC Collaborative": [
        (
            "Introduction to TREC Hub",
            "Introducción a TREC Hub",
            "A quick tour for your staff meeting: finding PD by grade band and topic, "
            "tracking PD hours, joining a Community of Practice and the gratitude wall.",
            "Whole school staff",
            Offering.Format.EITHER,
            [("10-minute introduction to TREC Hub", "Introducción de 10 minutos", 10)],
        ),
        (
            "Educator resiliency PD",
            "Desarrollo profesional sobre resiliencia docente",
            "An interactive session on stress, boundaries and recovery for educators, with "
            "practices your team can use the next morning.",
            "Teachers, counselors, aides and administrators",
            Offering.Format.IN_PERSON,
            [
                ("30-minute PD", "Sesión de 30 minutos", 30),
                ("45-minute PD", "Sesión de 45 minutos", 45),
                ("60-minute PD", "Sesión de 60 minutos", 60),
            ],
        ),
    ],
    "Ben's Bells Project": [
        (
            "Kindness in the classroom",
            "La amabilidad en el aula",
            "How intentional kindness builds a safer classroom climate, with ready-to-use "
            "lessons and a bell for your school.",
            "K–8 teachers and counselors",
            Offering.Format.IN_PERSON,
            [("45-minute workshop", "Taller de 45 minutos", 45)],
        ),
    ],
    "Tucson Values Teachers": [
        (
            "New teacher support session",
            "",
            "Practical help for teachers in their first three years: classroom routines, "
            "family communication and where to find support.",
            "Early-career teachers",
            Offering.Format.EITHER,
            [("30-minute session", "", 30), ("60-minute session", "", 60)],
        ),
    ],
    "SAZAEYC": [
        (
            "Play-based learning for early childhood",
            "Aprendizaje a través del juego en la primera infancia",
            "Hands-on ideas for play-based learning in birth–pre-K and kindergarten rooms.",
            "Early childhood educators",
            Offering.Format.IN_PERSON,
            [("60-minute workshop", "Taller de 60 minutos", 60)],
        ),
    ],
}
SCHOOLS = [
    "Borton Magnet Elementary", "Doolen Middle School", "Cholla High School",
    "Ochoa Community School", "Sunnyside High School", "Vail Academy",
    "Marana Middle School", "Flowing Wells Junior High", "Amphitheater High School",
    "Catalina Foothills High School", "Davis Bilingual Magnet", "Roskruge K-8",
]  # fmt: skip
CONTACTS = [
    ("Maria Lopez", "Principal"), ("James Carter", "Counselor"), ("Ana Ruiz", "Coach"),
    ("Dana Whitfield", "Assistant principal"), ("Luis Ortega", "Teacher leader"),
    ("Grace Kim", "Instructional coach"),
]  # fmt: skip
DECLINE_REASONS = [
    "We are fully booked for those weeks. Please ask again for next semester.",
    "Your school is outside the area we can travel to; our virtual session may suit you.",
]


def seed_offerings(ctx) -> None:
    """Offerings for the collaborative and a few partners, and requests in every status
    (scheduled and done ones with their private calendar entries). Sized by --providers:
    about one request per ten providers, at least a dozen."""
    rng = random.Random(9)  # noqa: S311 - demo data
    districts = list(District.objects.all())
    created = 0
    for provider_name, offerings in OFFERINGS.items():
        provider = Provider.objects.filter(name=provider_name).first()
        if provider is None:
            continue
        for position, (title, title_es, description, audience, fmt, durations) in enumerate(
            offerings
        ):
            offering, made = Offering.objects.get_or_create(
                provider=provider,
                slug=slugify(title),
                defaults={
                    "title": title,
                    "title_es": title_es,
                    "description": description,
                    "audience": audience,
                    "format": fmt,
                    "position": position,
                },
            )
            if not made:
                continue
            created += 1
            OfferingDuration.objects.bulk_create(
                OfferingDuration(
                    offering=offering, label=label, label_es=label_es, minutes=m, position=i
                )
                for i, (label, label_es, m) in enumerate(durations)
            )
            if districts and provider_name != "TREC Collaborative":
                offering.areas_served.set(rng.sample(districts, k=min(len(districts), 3)))
    ctx.report("offerings created", created)
    if SessionRequest.objects.exists():
        ctx.report("on-site requests", SessionRequest.objects.count())
        return
    _seed_requests(ctx, rng, districts)


def _seed_requests(ctx, rng, districts) -> None:
    offerings = list(Offering.objects.select_related("provider").prefetch_related("durations"))
    if not offerings:
        return
    count = max(12, ctx.options["providers"] // 10)
    statuses = [
        SessionRequest.Status.NEW,
        SessionRequest.Status.SCHEDULED,
        SessionRequest.Status.DONE,
        SessionRequest.Status.DECLINED,
    ]
    requests = []
    for n in range(count):
        offering = offerings[n % len(offerings)]
        duration = rng.choice(list(offering.durations.all()))
        status = statuses[n % len(statuses)]
        name, role = CONTACTS[n % len(CONTACTS)]
        school = SCHOOLS[n % len(SCHOOLS)]
        ahead = rng.randint(10, 60) if status != SessionRequest.Status.DONE else -rng.randint(5, 40)
        days = sorted({ahead + rng.randint(0, 14) for _ in range(rng.randint(1, 3))})
        preferred = [
            {
                "date": (timezone.localdate() + datetime.timedelta(days=d)).isoformat(),
                "time_of_day": rng.choice(SessionRequest.TimeOfDay.values),
            }
            for d in days
        ]
        starts = None
        if status in (SessionRequest.Status.SCHEDULED, SessionRequest.Status.DONE):
            day = datetime.date.fromisoformat(preferred[0]["date"])
            starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(15, 30)))
        requests.append(
            SessionRequest(
                provider=offering.provider,
                offering=offering,
                duration=duration,
                school_name=school,
                district=rng.choice(districts) if districts else None,
                contact_name=name,
                contact_email=f"{slugify(name)}@{slugify(school)}.example.org",
                contact_phone=f"(520) 555-{rng.randint(1000, 9999)}",
                audience_size=rng.choice([12, 25, 40, 60, 85]),
                preferred_dates=preferred,
                notes=f"{role}. We meet in the library after school; projector available.",
                status=status,
                scheduled_start=starts,
                scheduled_minutes=duration.minutes if starts else None,
                decline_reason=rng.choice(DECLINE_REASONS)
                if status == SessionRequest.Status.DECLINED
                else "",
            )
        )
    SessionRequest.objects.bulk_create(requests)
    updates = []
    for session_request in requests:
        steps = {
            SessionRequest.Status.NEW: ["new"],
            SessionRequest.Status.SCHEDULED: ["new", "scheduled"],
            SessionRequest.Status.DONE: ["new", "scheduled", "done"],
            SessionRequest.Status.DECLINED: ["new", "declined"],
        }[session_request.status]
        for step in steps:
            updates.append(
                RequestUpdate(
                    request=session_request,
                    status=step,
                    note=session_request.decline_reason if step == "declined" else "",
                )
            )
        if session_request.scheduled_start:
            _book(session_request)
    RequestUpdate.objects.bulk_create(updates)
    ctx.report("on-site requests", len(requests))


def _book(session_request: SessionRequest) -> None:
    """The private calendar entry a scheduled request has (as request_schedule makes)."""
    title = f"School visit: {session_request.offering.title} at {session_request.school_name}"
    event = Event.objects.create(
        provider=session_request.provider,
        title=title[:200],
        slug=f"{slugify(title)[:180]}-{session_request.pk}-{session_request.token[:6].lower()}",
        summary=f"{session_request.duration.label} for {session_request.audience_size} people.",
        is_private=True,
        kind=Event.Kind.EVENT,
        format=Event.Format.IN_PERSON,
        registration_mode=Event.RegistrationMode.NONE,
        status=Event.Status.PUBLISHED,
        published_at=timezone.now(),
        venue_name=session_request.school_name,
    )
    EventSession.objects.create(
        event=event,
        starts_at=session_request.scheduled_start,
        ends_at=session_request.scheduled_end,
    )
    event_saved(event=event)
    SessionRequest.objects.filter(pk=session_request.pk).update(event=event)
