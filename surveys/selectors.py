"""Reads the survey pages share: the plan of a survey (questions, choices, sections,
topics). Who may reach which survey page: surveys.access."""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from events.models import Topic

from .forms import SurveyPlan
from .models import Question, Response, Survey


def survey_plan(*, slug: str) -> SurveyPlan:
    """The survey and everything to show and check it: 4 queries (5 with topics)."""
    survey = get_object_or_404(Survey.objects.select_related("event"), slug=slug)
    return plan_for(survey)


def plan_for(survey: Survey) -> SurveyPlan:
    questions = list(
        survey.questions.prefetch_related("choices").order_by("section", "position", "pk")
    )
    questions.sort(key=lambda q: (q.position, q.pk))
    sections = list(survey.sections.order_by("position", "pk"))
    topics = []
    if any(q.kind == Question.Kind.TOPIC_RANKING for q in questions):
        topics = list(Topic.objects.order_by("name"))
    return SurveyPlan(survey=survey, questions=questions, sections=sections, topics=topics)


def submitted_response_exists(*, survey: Survey, user) -> bool:
    if survey.anonymous or not user.is_authenticated:
        return False
    return Response.objects.filter(
        survey=survey, user=user, status=Response.Status.SUBMITTED
    ).exists()


def draft_for(*, survey: Survey, user) -> dict:
    """{"state": {...}, "page": n} saved by an identified respondent, or {}."""
    if survey.anonymous or not user.is_authenticated:
        return {}
    draft = (
        Response.objects.filter(survey=survey, user=user, status=Response.Status.DRAFT)
        .values_list("draft", flat=True)
        .first()
    )
    return draft or {}


def open_surveys():
    """Surveys anyone may find and take now: needs and general surveys that have opened
    (a survey without an opening date is still being built) and not closed, not tied to
    an event, not behind invitation links. Soonest to close first."""
    now = timezone.now()
    return (
        Survey.objects.filter(
            kind__in=[Survey.Kind.NEEDS, Survey.Kind.GENERAL],
            event__isnull=True,
            invitation_only=False,
            is_feedback_template=False,
            opens_at__lte=now,
        )
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .order_by(F("closes_at").asc(nulls_last=True), "title")
    )


def current_survey() -> Survey | None:
    """The survey the home page points to: the open needs survey first."""
    surveys = list(open_surveys()[:10])
    needs = [survey for survey in surveys if survey.kind == Survey.Kind.NEEDS]
    return (needs or surveys or [None])[0]


def builder_outline(survey: Survey):
    """The builder's view of a survey: ``(groups, ordered)``, where groups are
    ``(section or None, questions)`` in page order (empty sections included, the
    questions without a section first when there are any) and ordered is every question
    in the order respondents meet them. 3 queries."""
    questions = list(
        survey.questions.prefetch_related("choices")
        .annotate(answer_count=Count("answers"))
        .order_by("position", "pk")
    )
    sections = list(survey.sections.order_by("position", "pk"))
    loose = [q for q in questions if q.section_id is None]
    groups = [(None, loose)] if loose or not sections else []
    for section in sections:
        groups.append((section, [q for q in questions if q.section_id == section.pk]))
    ordered = [q for _section, group in groups for q in group]
    return groups, ordered
