"""Every write of the surveys app: submitting a response, saving a draft, duplicating a
survey, attaching event feedback, making invitation links. Keyword-only, one
transaction each."""

from __future__ import annotations

import datetime
import re

from django.contrib.admin.models import CHANGE, LogEntry
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext

from trec.accounts.models import District, GradeBand, User

from .models import (
    Answer,
    Choice,
    Invitation,
    Question,
    RespondentKey,
    Response,
    Section,
    Survey,
)

FEEDBACK_WINDOW_DAYS = 30


class SurveyClosed(Exception):
    """The survey is not open for answers."""


class AlreadyAnswered(Exception):
    """This person (or invitation) has already answered."""


class InvitationInvalid(Exception):
    """No such invitation for this survey."""


def _profile_facts(user) -> dict:
    """Role, grade band and district from a signed-in educator's profile."""
    if user is None or not user.is_authenticated:
        return {}
    bands = sorted(user.grade_bands.all(), key=lambda band: band.position)
    return {
        "role": user.role or "",
        "grade_band": bands[0] if bands else None,
        "district_id": user.district_id,
    }


def _answer_facts(values: dict[str, str]) -> dict:
    """Role, grade band and district from the answers to questions that record them."""
    facts: dict = {}
    role = values.get("role")
    if role and role in User.Role.values:
        facts["role"] = role
    if values.get("grade_band"):
        band = GradeBand.objects.filter(code=values["grade_band"]).first()
        if band:
            facts["grade_band"] = band
    if values.get("district"):
        district = District.objects.filter(slug=values["district"]).first()
        if district:
            facts["district_id"] = district.pk
    return facts


@transaction.atomic
def response_submit(
    *,
    survey: Survey,
    user,
    answers: list[Answer],
    crosstab_values: dict[str, str] | None = None,
    invitation_token: str = "",
    visitor_key: str = "",
    today: datetime.date | None = None,
) -> Response:
    """Store one whole response, or nothing.

    Identified surveys: one submitted response per user (a unique constraint closes
    the race; the user's draft is removed); role, grade band and district come from the
    profile unless a question asks them. Anonymous surveys: no user, no time, only the
    date and the answers; role, grade band or district only when a question asks for
    it (never from the profile); an invitation link is marked used in the same
    transaction, and the invitation stays unlinked to the response. Open anonymous
    surveys take one answer per `visitor_key` (a person, device or address a day:
    trec.visitors), kept apart from the response like an invitation.
    """
    if survey.state() != "open":
        raise SurveyClosed
    signed_in = user is not None and user.is_authenticated
    if not survey.anonymous and not signed_in:
        raise AlreadyAnswered  # pragma: no cover - views send people to sign in first
    facts = _answer_facts(crosstab_values or {})
    if not survey.anonymous:
        facts = _profile_facts(user) | facts
    if survey.invitation_only:
        invitation = (
            Invitation.objects.select_for_update()
            .filter(survey=survey, token=invitation_token)
            .first()
        )
        if invitation is None:
            raise InvitationInvalid
        if invitation.used:
            raise AlreadyAnswered
        invitation.used = True
        invitation.save(update_fields=["used"])
    response = Response(
        survey=survey,
        user=None if survey.anonymous else user,
        status=Response.Status.SUBMITTED,
        submitted_on=today or timezone.localdate(),
        role=facts.get("role", ""),
        grade_band=facts.get("grade_band"),
        district_id=facts.get("district_id"),
    )
    try:
        with transaction.atomic():
            if survey.anonymous and not survey.invitation_only and visitor_key:
                RespondentKey.objects.create(survey=survey, key=visitor_key)
            if not survey.anonymous:
                Response.objects.filter(
                    survey=survey, user=user, status=Response.Status.DRAFT
                ).delete()
            response.save()
    except IntegrityError:
        raise AlreadyAnswered from None
    for answer in answers:
        answer.response = response
    Answer.objects.bulk_create(answers)
    return response


@transaction.atomic
def draft_save(*, survey: Survey, user, state: dict, page: int) -> Response | None:
    """Keep an identified respondent's answers so far; nothing for anonymous surveys."""
    if survey.anonymous or user is None or not user.is_authenticated:
        return None
    if Response.objects.filter(survey=survey, user=user, status=Response.Status.SUBMITTED).exists():
        return None
    draft, _created = Response.objects.select_for_update().get_or_create(
        survey=survey, user=user, status=Response.Status.DRAFT
    )
    draft.draft = {"state": state, "page": page}
    draft.save(update_fields=["draft"])
    return draft


def _unique_slug(base: str) -> str:
    base = slugify(base)[:200] or "survey"
    slug, n = base, 2
    while Survey.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _copy_questions(*, source: Survey, target: Survey) -> None:
    sections = {}
    for section in source.sections.all():
        old_pk = section.pk
        section.pk = None
        section.survey = target
        section.save()
        sections[old_pk] = section
    questions = {}
    dependents = []
    for question in source.questions.prefetch_related("choices"):
        old_pk = question.pk
        choices = list(question.choices.all())
        trigger = question.show_if_question_id
        question.pk = None
        question.survey = target
        question.section = sections.get(question.section_id)
        question.show_if_question = None
        question.save()
        questions[old_pk] = question
        if trigger:
            dependents.append((question, trigger))
        for choice in choices:
            choice.pk = None
            choice.question = question
        Choice.objects.bulk_create(choices)
    for question, trigger in dependents:
        question.show_if_question = questions.get(trigger)
        question.save(update_fields=["show_if_question"])


def _next_year(moment: datetime.datetime | None) -> datetime.datetime | None:
    if moment is None:
        return None
    try:
        return moment.replace(year=moment.year + 1)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + 1, day=28)


_YEAR_SPAN = re.compile(r"(\d{4})([–-])(\d{2,4})")


def _bump_years(title: str) -> str:
    """ "2026–27 Needs Survey" → "2027–28 Needs Survey"; a lone year goes up by one."""

    def span(match):
        first, dash, second = match.groups()
        return f"{int(first) + 1}{dash}{int(second) + 1:0{len(second)}d}"

    bumped = _YEAR_SPAN.sub(span, title, count=1)
    if bumped != title:
        return bumped
    return re.sub(r"\b(20\d{2})\b", lambda m: str(int(m.group(1)) + 1), title, count=1)


@transaction.atomic
def survey_duplicate(*, survey: Survey, title: str = "") -> Survey:
    """A copy for next year: same sections, questions, choices and skip logic, dates a
    year later, no responses or invitations, no event."""
    title = title or _bump_years(survey.title)
    if title == survey.title:
        title = f"{survey.title} (copy)"
    copy = Survey.objects.create(
        title=title,
        title_es=_bump_years(survey.title_es) if survey.title_es else "",
        slug=_unique_slug(title),
        intro=survey.intro,
        intro_es=survey.intro_es,
        thank_you=survey.thank_you,
        thank_you_es=survey.thank_you_es,
        kind=survey.kind,
        anonymous=survey.anonymous,
        invitation_only=survey.invitation_only,
        opens_at=_next_year(survey.opens_at),
        closes_at=_next_year(survey.closes_at),
        expected_respondents=survey.expected_respondents,
    )
    _copy_questions(source=survey, target=copy)
    return copy


DEFAULT_FEEDBACK = [
    (
        Question.Kind.LIKERT,
        "This session is applicable to my practice.",
        "Esta sesión se aplica a mi práctica.",
    ),
    (
        Question.Kind.LIKERT,
        "The presenter was engaging.",
        "El presentador fue ameno.",
    ),
    (
        Question.Kind.LIKERT,
        "I learned something useful.",
        "Aprendí algo útil.",
    ),
    (
        Question.Kind.LONG_TEXT,
        "Comments (optional)",
        "Comentarios (opcional)",
    ),
]


def default_feedback_questions_add(*, survey: Survey) -> None:
    """The built-in feedback questions: applicable, engaging, useful, comments."""
    for position, (kind, text, text_es) in enumerate(DEFAULT_FEEDBACK):
        Question.objects.create(
            survey=survey,
            position=position,
            kind=kind,
            text=text,
            text_es=text_es,
            required=kind == Question.Kind.LIKERT,
            scale_points=5,
        )


@transaction.atomic
def feedback_survey_for_event(*, event) -> Survey:
    """The event's feedback survey, attached now if it has none: a copy of the survey
    marked as the default feedback template, else the built-in questions (applicable,
    engaging, useful on a 5-point agreement scale, and comments). Identified, open
    from the event's start until 30 days after it ends. Safe to call twice, also at
    the same time (the one-to-one link is unique)."""
    existing = Survey.objects.filter(event=event).first()
    if existing is not None:
        return existing
    template = Survey.objects.filter(is_feedback_template=True).order_by("pk").first()
    ends = event.ends_at or timezone.now()
    survey = Survey(
        title=f"Feedback: {event.title}",  # stored content: English, with title_es
        title_es=f"Opiniones: {event.title_es or event.title}",
        slug=_unique_slug(f"feedback-{event.slug}"),
        intro=(template.intro if template else "")
        or "Thank you for attending. Three quick questions help the provider and the "
        "collaborative make the next session better.",
        intro_es=(template.intro_es if template else "")
        or "Gracias por asistir. Tres preguntas rápidas ayudan a mejorar la próxima sesión.",
        kind=Survey.Kind.FEEDBACK,
        anonymous=False,
        opens_at=event.starts_at,
        closes_at=ends + datetime.timedelta(days=FEEDBACK_WINDOW_DAYS),
        event=event,
    )
    try:
        with transaction.atomic():
            survey.save()
    except IntegrityError:
        return Survey.objects.get(event=event)
    if template is not None:
        _copy_questions(source=template, target=survey)
    else:
        default_feedback_questions_add(survey=survey)
    return survey


@transaction.atomic
def invitations_create(*, survey: Survey, count: int) -> list[Invitation]:
    """`count` single-use links for an anonymous survey."""
    if not survey.anonymous:
        raise ValueError("Invitation links are for anonymous surveys.")
    invitations = Invitation.objects.bulk_create([Invitation(survey=survey) for _ in range(count)])
    survey.expected_respondents = survey.invitations.count()
    survey.save(update_fields=["expected_respondents"])
    return invitations


def _in_language(language: str, text) -> str:
    """A lazy label as text in `language`, whatever language this request speaks."""
    with translation.override(language):
        return str(text)


@transaction.atomic
def profile_questions_add(*, survey: Survey, section: Section | None = None, start: int = 0):
    """Add the three crosstab questions (role, grade band, district) with choices from
    the hub's reference data."""
    specs = [
        (
            Question.CrosstabField.ROLE,
            "What is your role?",
            "¿Cuál es su función?",
            [(value, _in_language("en", label)) for value, label in User.Role.choices],
        ),
        (
            Question.CrosstabField.GRADE_BAND,
            "Which grade band do you mainly work with?",
            "¿Con qué nivel de grado trabaja principalmente?",
            [(band.code, band.name) for band in GradeBand.objects.order_by("position")],
        ),
        (
            Question.CrosstabField.DISTRICT,
            "Which district or school system do you work in?",
            "¿En qué distrito o sistema escolar trabaja?",
            [(d.slug, d.name) for d in District.objects.order_by("name")],
        ),
    ]
    spanish = {value: _in_language("es", label) for value, label in User.Role.choices}
    created = []
    for offset, (marker, text, text_es, options) in enumerate(specs):
        question = Question.objects.create(
            survey=survey,
            section=section,
            position=start + offset,
            kind=Question.Kind.SINGLE,
            text=text,
            text_es=text_es,
            required=True,
            crosstab_field=marker,
        )
        Choice.objects.bulk_create(
            [
                Choice(
                    question=question,
                    position=i,
                    label=label,
                    label_es=spanish.get(value, ""),
                    value=value,
                )
                for i, (value, label) in enumerate(options)
            ]
        )
        created.append(question)
    return created


# --- The builder ------------------------------------------------------------------------


@transaction.atomic
def question_save(*, form, choices) -> Question:
    """Save a question from the builder (its form and choice rows, both valid): a choice
    question keeps its non-blank rows in the order shown; any other kind keeps no
    choices. A question's changed choice code follows into the skip logic that uses it."""
    question = form.save()
    if question.kind not in Question.CHOICE_KINDS:
        question.choices.all().delete()
        return question
    renamed = {}
    position = 0
    for row in choices.forms:
        if choices._should_delete_form(row):
            if row.instance.pk:
                row.instance.delete()
            continue
        if row.is_blank():
            continue
        choice = row.save(commit=False)
        if choice.pk and row.initial.get("value") not in (None, choice.value):
            renamed[row.initial["value"].casefold()] = choice.value
        choice.question = question
        choice.position = position
        choice.save()
        position += 1
    for dependent in question.dependents.all():
        new_value = renamed.get(dependent.show_if_value.strip().casefold())
        if new_value:
            dependent.show_if_value = new_value
            dependent.save(update_fields=["show_if_value"])
    return question


class MoveRefused(Exception):
    """A question cannot move there: skip logic would follow a later question."""


@transaction.atomic
def question_move(*, question: Question, step: int) -> None:
    """Move a question one place up (step -1) or down (+1) within its section (or the
    questions without one). Refused when it would pass the question it depends on, or
    one that depends on it."""
    siblings = list(
        Question.objects.select_for_update()
        .filter(survey_id=question.survey_id, section_id=question.section_id)
        .order_by("position", "pk")
    )
    index = next(i for i, q in enumerate(siblings) if q.pk == question.pk)
    other_index = index + step
    if not 0 <= other_index < len(siblings):
        return
    moving, other = siblings[index], siblings[other_index]
    if moving.show_if_question_id == other.pk or other.show_if_question_id == moving.pk:
        raise MoveRefused(other)
    siblings[index], siblings[other_index] = other, moving
    changed = []
    for position, sibling in enumerate(siblings):
        if sibling.position != position:
            sibling.position = position
            changed.append(sibling)
    Question.objects.bulk_update(changed, ["position"])


@transaction.atomic
def question_delete(*, question: Question) -> bool:
    """Delete a question nobody has answered yet (False otherwise); questions that
    waited for its answer are then asked of everyone."""
    if question.answers.exists():
        return False
    question.delete()
    return True


PROFILE_SECTION = ("About you", "Sobre usted")


@transaction.atomic
def profile_section_add(*, survey: Survey) -> Section:
    """The role, grade band and district questions, in a section of their own after
    the survey's other sections."""
    last = survey.sections.order_by("-position").values_list("position", flat=True).first()
    section = Section.objects.create(
        survey=survey,
        position=0 if last is None else last + 1,
        title=PROFILE_SECTION[0],
        title_es=PROFILE_SECTION[1],
    )
    profile_questions_add(survey=survey, section=section, start=0)
    return section


class PublishRefused(Exception):
    """The survey cannot be opened now (the message says why)."""


@transaction.atomic
def survey_publish(*, survey: Survey, by=None, now: datetime.datetime | None = None) -> Survey:
    """Open a survey now: it is listed on the surveys page from this moment (unless it
    belongs to an event or needs invitation links). Who published it, and when, goes in
    the survey's History (the admin log)."""
    now = now or timezone.now()
    if not survey.questions.exists():
        raise PublishRefused(gettext("Add a question before publishing the survey."))
    if survey.closes_at and survey.closes_at <= now:
        raise PublishRefused(
            gettext("This survey's closing date has passed: change it before publishing.")
        )
    if survey.opens_at is None or survey.opens_at > now:
        before = survey.opens_at
        survey.opens_at = now
        survey.save(update_fields=["opens_at"])
        if by is not None:
            LogEntry.objects.log_actions(
                user_id=by.pk,
                queryset=[survey],
                action_flag=CHANGE,
                change_message=(
                    f"Published: opens {now.isoformat(timespec='minutes')} "
                    f"(was {before.isoformat(timespec='minutes') if before else 'not set'})."
                ),
                single_object=True,
            )
    return survey
