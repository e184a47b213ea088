"""Demo data: the upcoming summit's call for proposals, open now, with its committee,
rooms and slots, and a few proposals at every stage (seed_demo step)."""

import datetime

from django.utils import timezone

from events.models import Event
from trec.accounts.models import GradeBand, User

from .models import (
    Call,
    CallQuestion,
    Criterion,
    Presenter,
    Proposal,
    Review,
    Reviewer,
    Room,
    SessionFormat,
    Slot,
)

CALL_SLUG = "trec-educator-summit-2027-call"
PROPOSALS = [
    ("Phonics that sticks: decodable routines for K-2", Proposal.Status.ACCEPTED, (5, 4)),
    ("Restorative circles in middle school", Proposal.Status.SUBMITTED, (4, 4)),
    ("Number talks every day", Proposal.Status.SUBMITTED, (3, 5)),
    ("Family literacy nights that families come to", Proposal.Status.SUBMITTED, (4, 3)),
    ("Co-teaching with your ELD specialist", Proposal.Status.DRAFT, None),
]


def _setup(call: Call, summit: Event) -> None:
    SessionFormat.objects.create(call=call, name="Breakout", name_es="Taller", minutes=60)
    SessionFormat.objects.create(
        call=call, name="Lightning talk", name_es="Charla relámpago", minutes=15
    )
    for position, (name, name_es, help_text) in enumerate(
        [
            ("Relevance", "Relevancia", "Does it answer a need the region's educators named?"),
            ("Practicality", "Aplicabilidad", "Can participants use it the next school day?"),
            ("Equity", "Equidad", "Does it serve every learner, multilingual learners included?"),
        ]
    ):
        Criterion.objects.create(
            call=call, position=position, name=name, name_es=name_es, help_text=help_text
        )
    CallQuestion.objects.create(
        call=call,
        text="What will participants take away?",
        text_es="¿Qué se llevarán los participantes?",
        kind="long_text",
        required=True,
    )
    for name, name_es, capacity in [
        ("Room 201", "Salón 201", 30),
        ("Room 202", "Salón 202", 30),
        ("Library", "Biblioteca", 60),
    ]:
        Room.objects.create(call=call, name=name, name_es=name_es, capacity=capacity)
    day = timezone.localtime(summit.starts_at).replace(hour=13, minute=0, second=0)
    for hours in (0, 1.25):
        start = day + datetime.timedelta(hours=hours)
        Slot.objects.create(call=call, starts_at=start, ends_at=start + datetime.timedelta(hours=1))


def seed_calls(ctx) -> None:
    summit = Event.objects.filter(slug="trec-educator-summit-2027").first()
    if summit is None or summit.starts_at is None or Call.objects.filter(slug=CALL_SLUG).exists():
        ctx.report("calls for proposals created", 0)
        return
    now = timezone.now()
    call = Call.objects.create(
        event=summit,
        title="TREC Educator Summit 2027: call for proposals",
        title_es="Cumbre de Educadores TREC 2027: convocatoria de propuestas",
        slug=CALL_SLUG,
        description=(
            "Teachers are experts. Propose a breakout or a lightning talk about what works "
            "in your classroom, school or district."
        ),
        description_es=(
            "Los docentes son expertos. Proponga un taller o una charla relámpago sobre lo que "
            "funciona en su aula, escuela o distrito."
        ),
        opens_at=now - datetime.timedelta(days=10),
        closes_at=now + datetime.timedelta(days=30),
    )
    _setup(call, summit)
    people = list(
        User.objects.filter(email__endswith="@example.org", district__isnull=False).order_by("pk")[
            : len(PROPOSALS) + 2
        ]
    )
    if len(people) < len(PROPOSALS) + 2:
        ctx.report("calls for proposals created", 1)
        return
    reviewers = people[-2:]
    for reviewer in reviewers:
        Reviewer.objects.create(call=call, user=reviewer)
    breakout = call.formats.get(minutes=60)
    bands = list(GradeBand.objects.all()[:2])
    question = call.questions.get()
    criteria = list(call.criteria.values_list("pk", flat=True))
    for (title, status, scores), lead in zip(PROPOSALS, people, strict=False):
        proposal = Proposal.objects.create(
            call=call,
            submitted_by=lead,
            title=title,
            abstract="Routines, materials and student work from a year of trying this.",
            session_format=breakout,
            answers={str(question.pk): "Three routines to use on Monday."},
            status=status,
            submitted_at=None if status == Proposal.Status.DRAFT else now,
            decided_at=now if status == Proposal.Status.ACCEPTED else None,
        )
        proposal.grade_bands.set(bands)
        Presenter.objects.create(
            proposal=proposal,
            user=lead,
            email=lead.email,
            is_lead=True,
            status=Presenter.Status.CONFIRMED,
            responded_at=now,
            bio="Classroom teacher and instructional coach in the region.",
        )
        for reviewer, score in zip(reviewers, scores or (), strict=False):
            Review.objects.create(
                proposal=proposal,
                reviewer=reviewer,
                scores={str(pk): score for pk in criteria},
                score=score,
            )
    ctx.report("calls for proposals created", 1)
