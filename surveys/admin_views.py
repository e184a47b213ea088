"""The survey builder: one back-office page per survey where a coordinator adds and
edits questions with their choices (the fields shown follow the question's kind), picks
skip logic from the earlier questions' actual answers, reorders questions, adds the
profile questions in their own section, previews and publishes.

Who: back-office users who may change surveys (coordinators); others get 403 from the
admin. Writes go through surveys.services; the rules are in the forms and the model.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from trec.forms import parse_id

from . import selectors, services
from .forms import QuestionBuilderForm, choice_formset, question_label
from .models import Question, Survey

ACTIONS = {"save", "up", "down", "delete", "publish", "profile"}


def builder_url(survey: Survey, anchor: str = "") -> str:
    url = reverse("admin:surveys_survey_builder", args=[survey.pk])
    return f"{url}#{anchor}" if anchor else url


def _question(survey: Survey, raw) -> Question:
    pk = parse_id(raw or "")
    question = survey.questions.filter(pk=pk).first() if pk else None
    if question is None:
        raise Http404("No such question")
    return question


def builder_view(model_admin, request, object_id):
    """GET: the survey's questions page by page, and the form to add a question (or,
    with ``?edit=<id>``, to edit one). POST ``action``: save, up, down, delete,
    publish, profile; each answers with a redirect back, or the page with its errors."""
    survey = get_object_or_404(Survey, pk=parse_id(object_id) or 0)
    if not model_admin.has_change_permission(request, survey):
        raise PermissionDenied
    groups, ordered = selectors.builder_outline(survey)
    editing = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            return HttpResponseRedirect(builder_url(survey))
        if action == "save":
            if request.POST.get("question"):
                editing = _question(survey, request.POST["question"])
            question = editing or Question(survey=survey)
            form = QuestionBuilderForm(
                request.POST, instance=question, survey=survey, ordered=ordered
            )
            choices = choice_formset(question=question, data=request.POST)
            kind = request.POST.get("kind")
            needs_choices = kind in Question.CHOICE_KINDS
            if form.is_valid() and (not needs_choices or choices.is_valid()):
                saved = services.question_save(form=form, choices=choices)
                messages.success(request, _("Question saved: %(text)s") % {"text": saved.text})
                return HttpResponseRedirect(builder_url(survey, f"question-{saved.pk}"))
            return _render(model_admin, request, survey, groups, ordered, form, choices, editing)
        _act(request, survey, action)
        anchor = f"question-{request.POST.get('question')}" if action in ("up", "down") else ""
        return HttpResponseRedirect(builder_url(survey, anchor))

    if request.GET.get("edit"):
        editing = _question(survey, request.GET["edit"])
    question = editing or Question(survey=survey, kind=Question.Kind.SINGLE)
    form = QuestionBuilderForm(instance=question, survey=survey, ordered=ordered)
    choices = choice_formset(question=question)
    return _render(model_admin, request, survey, groups, ordered, form, choices, editing)


def _act(request, survey: Survey, action: str) -> None:
    if action in ("up", "down"):
        question = _question(survey, request.POST.get("question"))
        try:
            services.question_move(question=question, step=-1 if action == "up" else 1)
        except services.MoveRefused as refused:
            (other,) = refused.args
            messages.error(
                request,
                _("“%(a)s” and “%(b)s” cannot swap: one is shown by an answer to the other.")
                % {"a": question.text, "b": other.text},
            )
    elif action == "delete":
        question = _question(survey, request.POST.get("question"))
        if services.question_delete(question=question):
            messages.success(request, _("Question deleted: %(text)s") % {"text": question.text})
        else:
            messages.error(
                request,
                _("“%(text)s” already has answers, so it stays (it can be edited).")
                % {"text": question.text},
            )
    elif action == "publish":
        try:
            services.survey_publish(survey=survey, by=request.user)
        except services.PublishRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Published: people can answer the survey now."))
    elif action == "profile":
        section = services.profile_section_add(survey=survey)
        messages.success(
            request,
            _("Role, grade band and district questions added in the section “%(title)s”.")
            % {"title": section.title},
        )


def _render(model_admin, request, survey, groups, ordered, form, choices, editing):
    numbers = {q.pk: n for n, q in enumerate(ordered, start=1)}
    by_id = {q.pk: q for q in ordered}
    for question in ordered:
        question.number = numbers[question.pk]
        trigger = by_id.get(question.show_if_question_id)
        if trigger is not None:
            labels = dict(trigger.trigger_values())
            wanted = question.show_if_value.strip().casefold()
            question.condition_text = next(
                (label for value, label in labels.items() if value.casefold() == wanted),
                question.show_if_value,
            )
            question.trigger_label = question_label(numbers.get(trigger.pk, 0), trigger)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Build the survey"),
        "subtitle": survey.title,
        "original": survey,
        "survey": survey,
        "groups": groups,
        "question_count": len(ordered),
        "form": form,
        "choices": choices,
        "editing": editing,
        "editing_number": numbers.get(editing.pk) if editing else None,
        "choice_kinds": " ".join(Question.CHOICE_KINDS),
        "state": survey.state(),
        "published": survey.opens_at is not None,
        "preview_url": reverse("surveys:preview", args=[survey.slug]),
        "change_url": reverse("admin:surveys_survey_change", args=[survey.pk]),
        "builder_url": builder_url(survey),
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/surveys/survey/builder.html", context)
