"""The form a person fills in, built from a survey's questions.

One field per question, named ``q<id>`` (``q<id>_other`` for the "other" text of a
multiple-choice question, ``q<id>_0``, ``q<id>_1``… for the ranked topics). Skip logic
is applied here, on the server: a question whose condition is not met is not required
and its answer is dropped. Keys that look like answers to questions this survey does
not have make the whole form invalid (a tampered page), so nothing is saved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trec.i18n import localized

from .models import Answer, Question, Section, Survey

OTHER = "other"
ANSWER_KEY = re.compile(r"^q(\d+)(?:_(other|\d+))?$")
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 5000
SELECT_ABOVE = 8  # single choice with more options: a drop-down instead of radios

AGREE_LABELS = [
    gettext_lazy("Strongly disagree"),
    gettext_lazy("Disagree"),
    gettext_lazy("Neither agree nor disagree"),
    gettext_lazy("Agree"),
    gettext_lazy("Strongly agree"),
]
RANK_LABELS = [
    gettext_lazy("First choice"),
    gettext_lazy("Second choice"),
    gettext_lazy("Third choice"),
    gettext_lazy("Fourth choice"),
    gettext_lazy("Fifth choice"),
]


def scale_labels(question: Question) -> list[str]:
    """The label of each Likert point, lowest first."""
    custom = [line.strip() for line in localized(question, "scale_labels").splitlines()]
    custom = [line for line in custom if line]
    points = question.scale_points
    if len(custom) == points:
        return custom
    if not custom and points == len(AGREE_LABELS):
        return [str(label) for label in AGREE_LABELS]
    labels = [str(point) for point in range(1, points + 1)]
    if len(custom) == 2:  # the two ends
        labels[0] = f"1 – {custom[0]}"
        labels[-1] = f"{points} – {custom[1]}"
    return labels


def rank_label(index: int) -> str:
    if index < len(RANK_LABELS):
        return str(RANK_LABELS[index])
    return _("Choice %(n)d") % {"n": index + 1}


@dataclass
class Page:
    number: int  # 1-based
    section: Section | None
    questions: list[Question]


@dataclass
class SurveyPlan:
    """A survey with everything needed to show and check it, loaded in a fixed number
    of queries (selectors.survey_plan)."""

    survey: Survey
    questions: list[Question]
    sections: list[Section]
    topics: list = field(default_factory=list)

    def __post_init__(self):
        self.by_id = {q.pk: q for q in self.questions}
        self.pages: list[Page] = []
        loose = [q for q in self.questions if q.section_id is None]
        if loose or not self.sections:
            self.pages.append(Page(1, None, loose))
        for section in self.sections:
            questions = [q for q in self.questions if q.section_id == section.pk]
            if questions:
                self.pages.append(Page(len(self.pages) + 1, section, questions))
        self.page_of = {q.pk: page.number for page in self.pages for q in page.questions}

    # --- skip logic -------------------------------------------------------------

    def _raw_matches(self, trigger: Question, raw: list[str], wanted: str | None) -> bool:
        if wanted is None:
            return False
        wanted = wanted.strip().casefold()
        if trigger.kind in Question.CHOICE_KINDS:
            values = {str(c.pk): c.value.casefold() for c in trigger.choices.all()}
            return any(values.get(item) == wanted for item in raw)
        return any(item.strip().casefold() == wanted for item in raw)

    def is_visible(self, question: Question, data: MultiValueDict, _depth: int = 0) -> bool:
        trigger = self.by_id.get(question.show_if_question_id)
        if trigger is None or _depth > 20:
            return True
        if not self.is_visible(trigger, data, _depth + 1):
            return False
        raw = [value for value in data.getlist(trigger.field_name) if value]
        return self._raw_matches(trigger, raw, question.show_if_value)

    def condition_label(self, question: Question) -> str:
        """The answer a conditional question waits for, as the respondent sees it."""
        trigger = self.by_id.get(question.show_if_question_id)
        wanted = question.show_if_value.strip().casefold()
        if trigger is not None and trigger.kind in Question.CHOICE_KINDS:
            for choice in trigger.choices.all():
                if choice.value.casefold() == wanted:
                    return localized(choice, "label")
        if trigger is not None and trigger.kind == Question.Kind.LIKERT and wanted.isdigit():
            labels = scale_labels(trigger)
            if 1 <= int(wanted) <= len(labels):
                return labels[int(wanted) - 1]
        return question.show_if_value

    def condition_raw(self, question: Question) -> str:
        """The form value (a choice's id, a Likert point) a conditional question waits for."""
        trigger = self.by_id.get(question.show_if_question_id)
        wanted = question.show_if_value.strip().casefold()
        if trigger is not None and trigger.kind in Question.CHOICE_KINDS:
            for choice in trigger.choices.all():
                if choice.value.casefold() == wanted:
                    return str(choice.pk)
        return question.show_if_value.strip()

    def shown_on(self, page: Page, data: MultiValueDict) -> list[Question]:
        """The questions to show on a page: hidden when their condition depends on an
        earlier page and is not met; shown (and checked on submit) when it depends on
        a question of the same page, since without JavaScript the page cannot change."""
        shown = []
        for question in page.questions:
            trigger_page = self.page_of.get(question.show_if_question_id)
            earlier = trigger_page is not None and trigger_page < page.number
            if earlier and not self.is_visible(question, data):
                continue
            question.condition_label = self.condition_label(question)
            question.condition_raw = self.condition_raw(question)
            shown.append(question)
        return shown

    def field_names(self, question: Question) -> list[str]:
        name = question.field_name
        if question.kind == Question.Kind.MULTIPLE and question.allow_other:
            return [name, f"{name}_other"]
        if question.kind == Question.Kind.TOPIC_RANKING:
            return [f"{name}_{i}" for i in range(question.max_ranked)]
        return [name]

    def form_field_names(self, question: Question) -> list[str]:
        """The form's field names for a question (errors are keyed by these)."""
        name = question.field_name
        if question.kind == Question.Kind.MULTIPLE and question.allow_other:
            return [name, f"{name}_other"]
        return [name]

    def unknown_keys(self, keys) -> list[str]:
        """Answer-like keys that do not belong to this survey's questions."""
        unknown = []
        for key in keys:
            match = ANSWER_KEY.match(key)
            if match is None:
                if key.startswith("q"):
                    unknown.append(key)
                continue
            question = self.by_id.get(int(match.group(1)))
            if question is None or key not in self.field_names(question):
                unknown.append(key)
        return unknown


class RankingWidget(forms.MultiWidget):
    template_name = "surveys/widgets/ranking.html"
    use_fieldset = True

    def decompress(self, value):
        return list(value or [])

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for index, subwidget in enumerate(context["widget"]["subwidgets"]):
            subwidget["rank_label"] = rank_label(index)
        return context


class RankingField(forms.MultiValueField):
    """Pick up to N topics in order; blanks are allowed after the first, repeats are not."""

    def __init__(self, *, topics, ranks: int, **kwargs):
        choices = [("", _("— none —"))] + [(str(t.pk), localized(t, "name")) for t in topics]
        fields = [forms.ChoiceField(choices=choices, required=False) for _ in range(ranks)]
        widget = RankingWidget(widgets=[forms.Select(choices=choices) for _ in range(ranks)])
        super().__init__(fields=fields, widget=widget, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        picked = [value for value in (data_list or []) if value]
        if len(set(picked)) != len(picked):
            raise forms.ValidationError(_("Each topic can be ranked only once."), code="repeat")
        return [int(value) for value in picked]

    def clean(self, value):
        picked = super().clean(value)
        if self.required and not picked:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return picked or []


def _field_for(question: Question, plan: SurveyPlan) -> dict[str, forms.Field]:
    label = localized(question, "text")
    help_text = localized(question, "help_text")
    common = {"label": label, "help_text": help_text, "required": question.required}
    name = question.field_name
    kind = question.kind
    if kind == Question.Kind.LIKERT:
        choices = [(str(i), text) for i, text in enumerate(scale_labels(question), start=1)]
        return {
            name: forms.TypedChoiceField(
                choices=choices, coerce=int, widget=forms.RadioSelect, **common
            )
        }
    if kind == Question.Kind.SINGLE:
        choices = [(str(c.pk), localized(c, "label")) for c in question.choices.all()]
        if len(choices) > SELECT_ABOVE:
            widget = forms.Select
            choices = [("", _("— choose —")), *choices]
        else:
            widget = forms.RadioSelect
        return {name: forms.ChoiceField(choices=choices, widget=widget, **common)}
    if kind == Question.Kind.MULTIPLE:
        choices = [(str(c.pk), localized(c, "label")) for c in question.choices.all()]
        fields = {}
        if question.allow_other:
            choices.append((OTHER, _("Other")))
        fields[name] = forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
        if question.allow_other:
            fields[f"{name}_other"] = forms.CharField(
                label=_("Other (please describe)"),
                max_length=SHORT_TEXT_MAX,
                required=False,
            )
        return fields
    if kind == Question.Kind.SHORT_TEXT:
        return {name: forms.CharField(max_length=SHORT_TEXT_MAX, **common)}
    if kind == Question.Kind.LONG_TEXT:
        return {
            name: forms.CharField(
                max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}), **common
            )
        }
    if kind == Question.Kind.NUMBER:
        return {
            name: forms.DecimalField(
                max_digits=12,
                decimal_places=2,
                min_value=question.min_value,
                max_value=question.max_value,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
                **common,
            )
        }
    if kind == Question.Kind.TOPIC_RANKING:
        ranks = max(1, min(question.max_ranked, len(plan.topics) or 1))
        return {name: RankingField(topics=plan.topics, ranks=ranks, **common)}
    raise ValueError(f"unknown question kind {kind}")


class SurveyForm(forms.Form):
    """The questions of one page (or, on submit, of the whole survey)."""

    def __init__(self, *, plan: SurveyPlan, questions: list[Question], data=None, initial=None):
        super().__init__(data=data, initial=initial)
        self.plan = plan
        self.questions = questions
        self.question_fields: list[tuple[Question, list[str]]] = []
        for question in questions:
            fields = _field_for(question, plan)
            if question.show_if_question_id:
                # Required only once its condition holds: checked in clean().
                for form_field in fields.values():
                    form_field.required = False
            self.fields.update(fields)
            self.question_fields.append((question, list(fields)))

    def clean(self):
        cleaned = super().clean()
        unknown = self.plan.unknown_keys(self.data.keys())
        if unknown:
            raise forms.ValidationError(
                _(
                    "This page sent answers to questions that are not in this survey. "
                    "Please reload the page and try again."
                ),
                code="tampered",
            )
        for question in self.questions:
            name = question.field_name
            if not self.plan.is_visible(question, self.data):
                for key in self.plan.form_field_names(question):
                    cleaned.pop(key, None)
                    self.errors.pop(key, None)
                cleaned[name] = None
                continue
            if question.kind == Question.Kind.MULTIPLE and question.allow_other:
                chosen = list(cleaned.get(name) or [])
                other = (cleaned.get(f"{name}_other") or "").strip()
                if OTHER in chosen and not other and name not in self.errors:
                    self.add_error(f"{name}_other", _('Please describe your "other" answer.'))
                if other and OTHER not in chosen:
                    chosen.append(OTHER)
                    cleaned[name] = chosen
            if (
                question.required
                and question.show_if_question_id
                and name not in self.errors
                and cleaned.get(name) in (None, "", [])
            ):
                self.add_error(name, forms.Field.default_error_messages["required"])
        return cleaned

    def visible_questions(self) -> list[Question]:
        return [q for q in self.questions if self.cleaned_data.get(q.field_name) is not None]

    def bound_fields_for(self, question: Question) -> list[forms.BoundField]:
        return [self[name] for name in self.plan.form_field_names(question) if name in self.fields]

    # --- what gets stored -------------------------------------------------------

    def answers(self) -> list[Answer]:
        """Unsaved Answer rows for the visible, answered questions (call after is_valid)."""
        rows: list[Answer] = []
        data = self.cleaned_data
        for question in self.questions:
            value = data.get(question.field_name)
            if value in (None, "", []):
                continue
            kind = question.kind
            if kind == Question.Kind.LIKERT or kind == Question.Kind.NUMBER:
                rows.append(Answer(question=question, number=Decimal(value)))
            elif kind == Question.Kind.SINGLE:
                rows.append(Answer(question=question, choice_id=int(value)))
            elif kind == Question.Kind.MULTIPLE:
                other = (data.get(f"{question.field_name}_other") or "").strip()
                for item in value:
                    if item == OTHER:
                        rows.append(Answer(question=question, other_text=other))
                    else:
                        rows.append(Answer(question=question, choice_id=int(item)))
            elif kind in Question.TEXT_KINDS:
                rows.append(Answer(question=question, text=value.strip()))
            elif kind == Question.Kind.TOPIC_RANKING:
                for rank, topic_id in enumerate(value, start=1):
                    rows.append(Answer(question=question, topic_id=topic_id, rank=rank))
        return rows

    def crosstab_values(self) -> dict[str, str]:
        """{"role"|"grade_band"|"district": choice value} from questions that record them."""
        facts = {}
        for question in self.questions:
            if not question.crosstab_field or question.kind != Question.Kind.SINGLE:
                continue
            value = self.cleaned_data.get(question.field_name)
            if value:
                choice = next((c for c in question.choices.all() if str(c.pk) == value), None)
                if choice is not None:
                    facts[question.crosstab_field] = choice.value
        return facts


def initial_from_state(plan: SurveyPlan, questions: list[Question], state: dict) -> dict:
    """Saved form data (lists of strings per key) as a form's initial values."""
    initial = {}
    for question in questions:
        name = question.field_name
        if question.kind == Question.Kind.TOPIC_RANKING:
            initial[name] = [(state.get(key) or [""])[0] for key in plan.field_names(question)]
        elif question.kind == Question.Kind.MULTIPLE:
            initial[name] = state.get(name, [])
            if question.allow_other:
                initial[f"{name}_other"] = (state.get(f"{name}_other") or [""])[0]
        else:
            initial[name] = (state.get(name) or [""])[0]
    return initial


class GapsForm(forms.Form):
    months = forms.IntegerField(
        label=gettext_lazy("Catalog months ahead"),
        min_value=1,
        max_value=24,
        initial=6,
        help_text=gettext_lazy("Events starting within this many months count as supply."),
    )
