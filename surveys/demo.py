"""Demo data for surveys: the anonymous "2026–27 Educator Needs Survey" with 1,000+
responses spread over roles, grade bands and districts (sized by --educators: the
larger of 1,000 and three per educator), and feedback surveys on past attended
events with answers from their attendees.

Keyed by slug and skipped when a survey already has responses, so running the seed
again duplicates nothing."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from events.models import Event, Topic
from trec.accounts.demo import ROLE_WEIGHTS
from trec.accounts.models import District, GradeBand, User

from . import services
from .models import Answer, Choice, Question, Response, Section, Survey

NEEDS_SLUG = "2026-27-educator-needs-survey"
NEEDS_TITLE = "2026–27 Educator Needs Survey"
BAND_WEIGHTS = {"birth-prek": 12, "k-2": 26, "3-5": 24, "6-8": 20, "9-12": 18}
# Topics each grade band asks for more often than the rest.
BAND_TOPICS = {
    "birth-prek": [
        "Early childhood development",
        "Early literacy",
        "Family and community engagement",
    ],
    "k-2": ["Early literacy", "Social-emotional learning", "Classroom management"],
    "3-5": ["Mathematics instruction", "Social-emotional learning", "STEM and science"],
    "6-8": ["Classroom management", "Trauma-informed practice", "Technology integration"],
    "9-12": [
        "Educator wellness and resiliency",
        "STEM and science",
        "Culturally responsive teaching",
    ],
}
FORMATS = [
    ("in_person", "In person, after school", "En persona, después de clases"),
    ("virtual_live", "Live webinars", "Seminarios web en vivo"),
    ("on_demand", "On-demand videos and toolkits", "Videos y recursos a pedido"),
    ("summer", "Summer institutes", "Institutos de verano"),
    ("coaching", "Coaching in my classroom", "Acompañamiento en mi aula"),
]
COMMENTS = [
    "More bilingual sessions, please.",
    "Evening webinars work best for me as a parent.",
    "I would love follow-up coaching after workshops.",
    "Please record sessions so I can watch them later.",
    "Sessions near the west side would help a lot.",
    "More on supporting students after a crisis.",
    "Stipends or PD hours make it easier to attend.",
    "Hands-on materials I can use the next day.",
]
FEEDBACK_COMMENTS = [
    "Very practical, I will use the strategies on Monday.",
    "The presenter knew the topic well and was fun.",
    "I wanted more time for questions.",
    "Great resources, thank you!",
    "Applicable to my classroom right away.",
]


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(8)))


def _build_needs_survey() -> Survey:
    today = timezone.localdate()
    survey = Survey.objects.create(
        title=NEEDS_TITLE,
        title_es="Encuesta de necesidades de educadores 2026–27",
        slug=NEEDS_SLUG,
        intro=(
            "Tell us what professional learning you need this year. It takes about five "
            "minutes and is anonymous: we keep only your role, grade band and district."
        ),
        intro_es=(
            "Cuéntenos qué aprendizaje profesional necesita este año. Toma unos cinco "
            "minutos y es anónima."
        ),
        kind=Survey.Kind.NEEDS,
        anonymous=True,
        opens_at=_aware(today - datetime.timedelta(days=60)),
        closes_at=_aware(today + datetime.timedelta(days=45)),
        expected_respondents=User.objects.filter(is_staff=False).count() or None,
    )
    about = Section.objects.create(
        survey=survey, position=0, title="About you", title_es="Sobre usted"
    )
    learning = Section.objects.create(
        survey=survey, position=1, title="Your professional learning", title_es="Su aprendizaje"
    )
    services.profile_questions_add(survey=survey, section=about, start=0)
    q = Question.objects.create
    q(
        survey=survey,
        section=learning,
        position=10,
        kind=Question.Kind.TOPIC_RANKING,
        text="Which topics do you most want professional learning on? Rank up to three.",
        text_es="¿Sobre qué temas desea más aprendizaje profesional? Elija hasta tres.",
        required=True,
        max_ranked=3,
    )
    q(
        survey=survey,
        section=learning,
        position=11,
        kind=Question.Kind.LIKERT,
        text="The professional learning offered in our region meets my needs.",
        text_es="El aprendizaje profesional que se ofrece en la región satisface mis necesidades.",
        required=True,
    )
    formats = q(
        survey=survey,
        section=learning,
        position=12,
        kind=Question.Kind.MULTIPLE,
        text="Which formats work for you?",
        text_es="¿Qué formatos le funcionan?",
        allow_other=True,
    )
    Choice.objects.bulk_create(
        [
            Choice(question=formats, position=i, value=v, label=label, label_es=es)
            for i, (v, label, es) in enumerate(FORMATS)
        ]
    )
    q(
        survey=survey,
        section=learning,
        position=13,
        kind=Question.Kind.NUMBER,
        text="How many hours of PD would you like this school year?",
        text_es="¿Cuántas horas de formación desea este año escolar?",
        min_value=Decimal("0"),
        max_value=Decimal("200"),
    )
    mentor = q(
        survey=survey,
        section=learning,
        position=14,
        kind=Question.Kind.SINGLE,
        text="Do you mentor a new educator this year?",
        text_es="¿Es mentor de un educador nuevo este año?",
        required=True,
    )
    Choice.objects.bulk_create(
        [
            Choice(question=mentor, position=0, value="yes", label="Yes", label_es="Sí"),
            Choice(question=mentor, position=1, value="no", label="No", label_es="No"),
        ]
    )
    q(
        survey=survey,
        section=learning,
        position=15,
        kind=Question.Kind.SHORT_TEXT,
        text="What support would help you as a mentor?",
        text_es="¿Qué apoyo le ayudaría como mentor?",
        show_if_question=mentor,
        show_if_value="yes",
    )
    q(
        survey=survey,
        section=learning,
        position=16,
        kind=Question.Kind.LONG_TEXT,
        text="Anything else we should know?",
        text_es="¿Algo más que debamos saber?",
    )
    return survey


def _needs_responses(ctx, survey: Survey, count: int) -> int:
    rng = random.Random(2026)  # noqa: S311 - demo data
    questions = {q.position: q for q in survey.questions.prefetch_related("choices")}
    role_q, band_q, district_q = questions[0], questions[1], questions[2]
    ranking_q, likert_q, formats_q = questions[10], questions[11], questions[12]
    hours_q, mentor_q, support_q, comments_q = (
        questions[13],
        questions[14],
        questions[15],
        questions[16],
    )
    choice = {q.pk: {c.value: c for c in q.choices.all()} for q in questions.values()}
    bands = {band.code: band for band in GradeBand.objects.all()}
    districts = list(District.objects.all())
    district_weights = [5 if d.is_partner else 1 for d in districts]
    topics = {topic.name: topic for topic in Topic.objects.all()}
    topic_list = list(topics.values())
    roles, role_weights = zip(*ROLE_WEIGHTS, strict=True)
    band_codes = [code for code in BAND_WEIGHTS if code in bands]
    opened = survey.opens_at.date()
    span = max((timezone.localdate() - opened).days, 1)
    made = 0
    for start in range(0, count, 500):
        batch, plans = [], []
        for _ in range(start, min(start + 500, count)):
            role = rng.choices(roles, role_weights)[0]
            band_code = rng.choices(band_codes, [BAND_WEIGHTS[c] for c in band_codes])[0]
            district = rng.choices(districts, district_weights)[0] if districts else None
            batch.append(
                Response(
                    survey=survey,
                    status=Response.Status.SUBMITTED,
                    submitted_on=opened + datetime.timedelta(days=int(span * rng.random() ** 1.6)),
                    role=role,
                    grade_band=bands[band_code],
                    district=district,
                )
            )
            plans.append((role, band_code, district))
        responses = Response.objects.bulk_create(batch)
        answers = []
        for response, (role, band_code, district) in zip(responses, plans, strict=True):
            add = answers.append
            add(Answer(response=response, question=role_q, choice=choice[role_q.pk][role]))
            add(Answer(response=response, question=band_q, choice=choice[band_q.pk][band_code]))
            if district is not None and district.slug in choice[district_q.pk]:
                add(
                    Answer(
                        response=response,
                        question=district_q,
                        choice=choice[district_q.pk][district.slug],
                    )
                )
            favourites = [topics[name] for name in BAND_TOPICS[band_code] if name in topics]
            picked: list = []
            for _rank in range(rng.choice([1, 2, 3, 3, 3])):
                pool = favourites if favourites and rng.random() < 0.6 else topic_list
                options = [t for t in pool if t not in picked] or [
                    t for t in topic_list if t not in picked
                ]
                if options:
                    picked.append(rng.choice(options))
            for rank, topic in enumerate(picked, start=1):
                add(Answer(response=response, question=ranking_q, topic=topic, rank=rank))
            add(
                Answer(
                    response=response,
                    question=likert_q,
                    number=Decimal(rng.choices([1, 2, 3, 4, 5], [6, 14, 27, 36, 17])[0]),
                )
            )
            for value, _label, _es in rng.sample(FORMATS, k=rng.randint(1, 3)):
                add(
                    Answer(
                        response=response, question=formats_q, choice=choice[formats_q.pk][value]
                    )
                )
            if rng.random() < 0.04:
                add(Answer(response=response, question=formats_q, other_text="Saturday mornings"))
            if rng.random() < 0.8:
                add(
                    Answer(
                        response=response,
                        question=hours_q,
                        number=Decimal(rng.choice([6, 10, 12, 15, 20, 24, 30, 40])),
                    )
                )
            mentoring = rng.random() < 0.22
            add(
                Answer(
                    response=response,
                    question=mentor_q,
                    choice=choice[mentor_q.pk]["yes" if mentoring else "no"],
                )
            )
            if mentoring and rng.random() < 0.5:
                add(
                    Answer(
                        response=response,
                        question=support_q,
                        text=rng.choice(
                            ["Release time", "A mentoring cohort", "Observation tools"]
                        ),
                    )
                )
            if rng.random() < 0.15:
                add(Answer(response=response, question=comments_q, text=rng.choice(COMMENTS)))
        Answer.objects.bulk_create(answers, batch_size=5000)
        made += len(responses)
        ctx.progress("needs survey responses", made, count)
    return made


def _feedback(ctx, *, events: int = 8) -> tuple[int, int]:
    rng = random.Random(98)  # noqa: S311 - demo data
    now = timezone.now()
    past = list(
        Event.objects.filter(status=Event.Status.PUBLISHED, ends_at__lt=now)
        .filter(registrations__attendances__isnull=False)
        .distinct()
        .order_by("-ends_at")[:events]
    )
    surveys = responses = 0
    for event in past:
        survey = services.feedback_survey_for_event(event=event)
        surveys += 1
        if survey.responses.exists():
            continue
        likert = list(survey.questions.filter(kind=Question.Kind.LIKERT))
        comments = survey.questions.filter(kind=Question.Kind.LONG_TEXT).first()
        attendees = list(
            User.objects.filter(
                registrations__event=event, registrations__attendances__isnull=False
            )
            .distinct()
            .prefetch_related("grade_bands")
        )
        answered_on = (event.ends_at or now).date()
        batch = []
        for user in attendees:
            if rng.random() > 0.7:
                continue
            bands = sorted(user.grade_bands.all(), key=lambda b: b.position)
            batch.append(
                Response(
                    survey=survey,
                    user=user,
                    status=Response.Status.SUBMITTED,
                    submitted_on=answered_on + datetime.timedelta(days=rng.randint(1, 6)),
                    role=user.role,
                    grade_band=bands[0] if bands else None,
                    district_id=user.district_id,
                )
            )
        created = Response.objects.bulk_create(batch)
        answers = []
        for response in created:
            for question in likert:
                point = rng.choices([2, 3, 4, 5], [1, 2, 30, 67])[0]
                answers.append(Answer(response=response, question=question, number=Decimal(point)))
            if comments and rng.random() < 0.3:
                answers.append(
                    Answer(response=response, question=comments, text=rng.choice(FEEDBACK_COMMENTS))
                )
        Answer.objects.bulk_create(answers)
        responses += len(created)
    return surveys, responses


def _feedback_template() -> None:
    """The default feedback template new events copy (closed itself: never answered)."""
    if Survey.objects.filter(is_feedback_template=True).exists():
        return
    template = Survey.objects.create(
        title="Event feedback (template)",
        slug="event-feedback-template",
        kind=Survey.Kind.FEEDBACK,
        is_feedback_template=True,
        intro="Thank you for attending. Three quick questions help us make the next "
        "session better.",
        intro_es="Gracias por asistir. Tres preguntas rápidas nos ayudan a mejorar.",
        opens_at=_aware(datetime.date(2020, 1, 1)),
        closes_at=_aware(datetime.date(2020, 1, 2)),
    )
    services.default_feedback_questions_add(survey=template)


def seed_surveys(ctx) -> None:
    _feedback_template()
    survey = Survey.objects.filter(slug=NEEDS_SLUG).first() or _build_needs_survey()
    if not survey.responses.exists():
        count = max(1000, 3 * ctx.options.get("educators", 300))
        _needs_responses(ctx, survey, count)
    ctx.report("needs survey responses", survey.responses.count())
    surveys, responses = _feedback(ctx)
    ctx.report("feedback surveys", surveys)
    ctx.report("feedback responses (new)", responses)
