"""Demo Communities of Practice for 2026–2027 and a teacher-leader cohort, with
applications, decisions, meetings, attendance and the transcript credits they earn.
Keyed by slug and (community, user): running the seed again duplicates nothing."""

import datetime
import random

from django.utils import timezone

from providers.models import Provider
from trec.accounts.models import GradeBand, User

from .models import Community, Meeting, MeetingAttendance, Membership, Post, Thread
from .services import meeting_credits_sync

QUESTIONS = [
    "What do you hope to learn from this community?",
    "Tell us about a moment this year that you would like to think through with colleagues.",
]
QUESTIONS_ES = [
    "¿Qué espera aprender de esta comunidad?",
    "Cuéntenos un momento de este año sobre el que le gustaría reflexionar con colegas.",
]

COMMUNITIES = [
    {
        "slug": "educator-emotional-resilience-2026-2027",
        "title": "Educator Emotional Resilience",
        "summary": "Read “Onward” together and build the habits that help educators thrive.",
        "description": "Monthly conversations around **Onward** by Elena Aguilar: one "
        "disposition a month, a small practice to try, and colleagues across districts "
        "to reflect with.",
        "title_es": "Resiliencia emocional docente",
        "summary_es": "Leemos “Onward” juntos y cultivamos los hábitos que ayudan a los "
        "educadores a prosperar.",
        "description_es": "Conversaciones mensuales en torno a **Onward** de Elena Aguilar: "
        "una disposición al mes, una pequeña práctica para probar y colegas de varios "
        "distritos con quienes reflexionar.",
        "materials": "“Onward: Cultivating Emotional Resilience in Educators” by Elena Aguilar",
        "materials_es": "“Onward: Cultivating Emotional Resilience in Educators” de Elena Aguilar",
        "status": Community.Status.RUNNING,
        "capacity": 24,
    },
    {
        "slug": "early-childhood-math-literacy-2026-2027",
        "title": "Early Childhood Math Literacy",
        "summary": "With Project ECHO: playful math for our youngest learners, and mathpacks "
        "families take home.",
        "description": "Case-based sessions with Project ECHO at the University of Arizona. "
        "Each month, families take home a **mathpack** of games and books; we share what "
        "worked.",
        "title_es": "Matemáticas en la primera infancia",
        "summary_es": "Con Project ECHO: matemáticas lúdicas para los más pequeños y "
        "mathpacks que las familias llevan a casa.",
        "description_es": "Sesiones basadas en casos con Project ECHO de la Universidad de "
        "Arizona. Cada mes, las familias llevan a casa un **mathpack** con juegos y libros; "
        "compartimos lo que funcionó.",
        "materials": "Mathpacks for families (provided)",
        "materials_es": "Mathpacks para las familias (incluidos)",
        "partner": "Project ECHO at the University of Arizona",
        "bands": ["birth-prek", "k-2"],
        "status": Community.Status.RUNNING,
        "capacity": 30,
    },
    {
        "slug": "equitable-grading-2026-2027",
        "title": "Equitable Grading",
        "summary": "Grading practices that are accurate, bias-resistant and motivating.",
        "description": "We study equitable grading practices and pilot one change in our "
        "own gradebooks each quarter.",
        "materials": "“Grading for Equity” by Joe Feldman",
        "bands": ["6-8", "9-12"],
        "status": Community.Status.OPEN,
        "capacity": 25,
    },
    {
        "slug": "mentoring-2026-2027",
        "title": "Mentoring",
        "summary": "For experienced educators who mentor new colleagues (3+ years of experience).",
        "title_es": "Mentoría",
        "summary_es": "Para educadores con experiencia que acompañan a colegas nuevos (3 años o "
        "más de experiencia).",
        "description_es": "Conversaciones de acompañamiento, ciclos de observación y el camino "
        "del docente en su primer año.",
        "description": "Coaching conversations, observation cycles and the first-year "
        "teacher's journey.",
        "min_years": 3,
        "status": Community.Status.OPEN,
        "capacity": 20,
    },
    {
        "slug": "teacher-leader-cohort-2026-2027",
        "title": "Teacher-Leader Cohort",
        "summary": "A year of leadership learning for teachers who lead from the classroom.",
        "description": "Facilitation, adult learning and a leadership project in your school.",
        "kind": Community.Kind.TEACHER_LEADER,
        "min_years": 5,
        "status": Community.Status.OPEN,
        "capacity": 15,
    },
]

THREADS = [
    (
        "What is one small practice you tried this month?",
        "I started ending each day by writing down **one thing that went well**. "
        "It takes two minutes and it changed how I walk to my car.",
        [
            "I tried the *pause before responding* idea from chapter 3 with a parent "
            "e-mail. It helped.",
            "Our grade-level team now opens meetings with a one-word check-in. "
            "Small, but people show up differently.",
        ],
    ),
    (
        "Resources worth sharing",
        "Post links and materials that helped you, and say who they are for.\n\n"
        "- the family letter template from our last meeting\n- the reflection journal",
        ["Thank you! The family letter worked well in Spanish too."],
    ),
]

MEETING_TOPICS = [
    ("Kick-off and norms", "Inicio y acuerdos del grupo"),
    ("Noticing what drains us", "Reconocer lo que nos agota"),
    ("Building community", "Construir comunidad"),
    ("Practice and reflection", "Práctica y reflexión"),
    ("Celebrating the year", "Celebrar el año"),
]
AGENDA = "- Check-in\n- Reading discussion\n- Practice to try this month"
AGENDA_ES = "- Bienvenida\n- Conversación sobre la lectura\n- Una práctica para probar este mes"


def _meeting_start(index: int) -> datetime.datetime:
    """Monthly meetings from September 2026, 4:30 PM; the later ones are still ahead."""
    day = datetime.date(2026, 9 + index, 13) if index < 4 else datetime.date(2027, index - 3, 17)
    naive = datetime.datetime.combine(day, datetime.time(16, 30))
    return timezone.make_aware(naive)


def seed_communities(ctx) -> None:
    rng = random.Random(5)  # noqa: S311 - demo data
    educators = list(User.objects.filter(email__endswith="@example.org").order_by("pk")[:400])
    coordinator = ctx.people.get("coordinator") or User.objects.filter(is_staff=True).first()
    bands = {band.code: band for band in GradeBand.objects.all()}
    meetings_touched = []
    for index, spec in enumerate(COMMUNITIES):
        partner = None
        if spec.get("partner"):
            partner = Provider.objects.filter(name=spec["partner"]).first()
        community, created = Community.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "title": spec["title"],
                "summary": spec["summary"],
                "description": spec["description"],
                "title_es": spec.get("title_es", ""),
                "summary_es": spec.get("summary_es", ""),
                "description_es": spec.get("description_es", ""),
                "school_year": "2026–2027",
                "kind": spec.get("kind", Community.Kind.COMMUNITY),
                "partner": partner,
                "materials": spec.get("materials", ""),
                "materials_es": spec.get("materials_es", ""),
                "min_years_experience": spec.get("min_years"),
                "capacity": spec["capacity"],
                "questions": QUESTIONS,
                "questions_es": QUESTIONS_ES,
                "status": spec["status"],
            },
        )
        if not created:
            continue
        community.grade_bands.set([bands[c] for c in spec.get("bands", []) if c in bands])
        if not educators:
            continue
        pool = rng.sample(educators, k=min(len(educators), 30))
        eligible = [
            u
            for u in pool
            if not community.min_years_experience
            or (u.years_experience or 0) >= community.min_years_experience
        ]
        community.facilitators.set(eligible[:1] + ([coordinator] if coordinator else []))
        now = timezone.now()
        memberships = []
        for position, user in enumerate(eligible[1:]):
            if community.status == Community.Status.RUNNING:
                status = (
                    Membership.Status.ACCEPTED
                    if position < community.capacity - 4
                    else (Membership.Status.WAITLISTED)
                )
            else:
                status = [Membership.Status.APPLIED, Membership.Status.ACCEPTED][position % 2]
            memberships.append(
                Membership(
                    community=community,
                    user=user,
                    status=status,
                    answers=[
                        {
                            "question": q,
                            "answer": "I want to learn with colleagues from "
                            "other schools and bring new ideas back to my students.",
                        }
                        for q in QUESTIONS
                    ],
                    applied_at=now - datetime.timedelta(days=90 - position),
                    decided_at=None if status == Membership.Status.APPLIED else now,
                    decided_by=None if status == Membership.Status.APPLIED else coordinator,
                )
            )
        Membership.objects.bulk_create(memberships, ignore_conflicts=True)
        # Communities written in both languages meet in both: Spanish titles and agendas.
        spanish = bool(spec.get("title_es"))
        meetings = Meeting.objects.bulk_create(
            [
                Meeting(
                    community=community,
                    title=topic,
                    title_es=topic_es if spanish else "",
                    starts_at=_meeting_start(n),
                    duration_minutes=90,
                    format=Meeting.Format.VIRTUAL,
                    join_url="https://zoom.example.org/j/" + str(1000 + index * 10 + n),
                    agenda=AGENDA,
                    agenda_es=AGENDA_ES if spanish else "",
                )
                for n, (topic, topic_es) in enumerate(MEETING_TOPICS)
            ]
        )
        accepted = Membership.objects.filter(community=community, status=Membership.Status.ACCEPTED)
        MeetingAttendance.objects.bulk_create(
            [
                MeetingAttendance(meeting=meeting, membership=membership)
                for meeting in meetings
                for membership in accepted
                if meeting.starts_at < now and rng.random() < 0.8
            ],
            ignore_conflicts=True,
        )
        meetings_touched.extend(meetings)
        _seed_threads(community, list(accepted.select_related("user")[:4]), now)
    if meetings_touched:
        for meeting in meetings_touched:
            meeting.community = Community.objects.select_related("partner").get(
                pk=meeting.community_id
            )
        meeting_credits_sync(meetings=meetings_touched)
    ctx.report("communities", Community.objects.count())
    ctx.report("community members", Membership.objects.filter(status="accepted").count())
    ctx.report("meeting attendance", MeetingAttendance.objects.count())
    ctx.report("discussion posts", Post.objects.count())


def _seed_threads(community: Community, members: list[Membership], now) -> None:
    """Two conversations among the first accepted members (new communities only)."""
    if len(members) < 2:
        return
    for number, (title, opening, replies) in enumerate(THREADS):
        started = now - datetime.timedelta(days=20 - number * 7)
        author = members[number % len(members)].user
        thread = Thread.objects.create(
            community=community, title=title, author=author, created_at=started
        )
        posts = [Post(thread=thread, author=author, body=opening, created_at=started)]
        for offset, body in enumerate(replies, start=1):
            posts.append(
                Post(
                    thread=thread,
                    author=members[(number + offset) % len(members)].user,
                    body=body,
                    created_at=started + datetime.timedelta(hours=offset * 5),
                )
            )
        Post.objects.bulk_create(posts)
        thread.last_post_at = posts[-1].created_at
        thread.save(update_fields=["last_post_at"])
