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
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.datastructures import MultiValueDict
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trec.i18n import localized

from .models import Answer, Choice, Question, Section, Survey, scale_labels

OTHER = "other"
ANSWER_KEY = re.compile(r"^q(\d+)(?:_(other|\d+))?$")
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 5000
SELECT_ABOVE = 8  # single choice with more options: a drop-down instead of radios

RANK_LABELS = [
    gettext_lazy("First choice"),
    gettext_lazy("Second choice"),
    gettext_lazy("Third choice"),
    gettext_lazy("Fourth choice"),
    gettext_lazy("Fifth choice"),
]


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


# --- The builder ------------------------------------------------------------------------

# The fields that mean something for one kind of question only (the builder shows them
# for that kind; whatever else is posted for them is put back to its default).
KIND_FIELDS = {
    "scale_points": (Question.Kind.LIKERT,),
    "scale_labels": (Question.Kind.LIKERT,),
    "scale_labels_es": (Question.Kind.LIKERT,),
    "min_value": (Question.Kind.NUMBER,),
    "max_value": (Question.Kind.NUMBER,),
    "allow_other": (Question.Kind.MULTIPLE,),
    "max_ranked": (Question.Kind.TOPIC_RANKING,),
}
MIN_CHOICES = 2
CHOICE_ROWS = 6  # blank choice rows on a new question (blank rows are ignored)


def question_label(number: int, question: Question) -> str:
    return _("Q%(n)d. %(text)s") % {"n": number, "text": question.text}


class QuestionBuilderForm(forms.ModelForm):
    """One question as the builder edits it. Skip logic is one select, "show only if",
    whose options are the actual answers of the earlier choice and scale questions
    (``<question id>:<value>``); the model's rule (`Question.skip_logic_errors`) checks
    what comes back, so a value that is not an answer of that question, or a question
    that comes later, is an error on this field that shows what was sent."""

    condition = forms.CharField(
        label=gettext_lazy("Show this question only if"),
        required=False,
        widget=forms.Select,
        help_text=gettext_lazy(
            "Leave “Always” to ask everyone. Otherwise pick the answer to an earlier "
            "question that shows this one."
        ),
    )

    class Meta:
        model = Question
        fields = [
            "kind",
            "text",
            "text_es",
            "help_text",
            "help_text_es",
            "section",
            "required",
            "scale_points",
            "scale_labels",
            "scale_labels_es",
            "min_value",
            "max_value",
            "allow_other",
            "max_ranked",
        ]
        widgets = {
            "scale_labels": forms.Textarea(attrs={"rows": 3}),
            "scale_labels_es": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, survey: Survey, ordered: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.ordered = ordered  # the survey's questions, in the order respondents meet them
        self.numbers = {q.pk: n for n, q in enumerate(ordered, start=1)}
        self.fields["section"].queryset = survey.sections.order_by("position", "pk")
        self.fields["section"].empty_label = _("No section (first page)")
        for name, low, high in (("scale_points", 2, 11), ("max_ranked", 1, len(RANK_LABELS))):
            self.fields[name].validators += [MinValueValidator(low), MaxValueValidator(high)]
            self.fields[name].widget.attrs.update(min=low, max=high)
        for name in KIND_FIELDS:
            self.fields[name].required = False  # blank: the default
        if self.instance.show_if_question_id and not self.is_bound:
            self.initial["condition"] = (
                f"{self.instance.show_if_question_id}:{self.instance.show_if_value}"
            )
        self.fields["condition"].widget.choices = self._condition_choices()
        self.original_kind = self.instance.kind

    def _earlier(self) -> list[Question]:
        """The questions skip logic may follow: the choice and scale questions before
        this one (all of them for a new question)."""
        if self.instance.pk is None:
            before = self.ordered
        else:
            before = []
            for question in self.ordered:
                if question.pk == self.instance.pk:
                    break
                before.append(question)
        return [q for q in before if q.kind in Question.TRIGGER_KINDS]

    def _condition_choices(self):
        choices: list = [("", _("Always"))]
        offered = set()
        for trigger in self._earlier():
            options = [
                (f"{trigger.pk}:{value}", label) for value, label in trigger.trigger_values()
            ]
            offered.update(value for value, _label in options)
            choices.append((question_label(self.numbers[trigger.pk], trigger), options))
        if self.is_bound:
            sent = self.data.get(self.add_prefix("condition"), "")
        else:  # a condition saved before the builder checked it
            sent = self.initial.get("condition", "")
        if sent and sent not in offered:
            # Shown back as it was sent, next to the error that explains it.
            choices.append((sent, _("%(value)s (not an answer you can pick)") % {"value": sent}))
        return choices

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        for name, kinds in KIND_FIELDS.items():
            if kind not in kinds:
                self.errors.pop(name, None)
            if kind not in kinds or cleaned.get(name) in (None, ""):
                cleaned[name] = Question._meta.get_field(name).get_default()
        # The question as it will be saved: a new one (or one moved to another section)
        # comes last in its section.
        question, section = self.instance, cleaned.get("section")
        if question.pk is None or question.section_id != (section.pk if section else None):
            question.position = self.next_position(section)
        question.section = section
        self._clean_condition(cleaned)
        changed_kind = self.instance.pk and kind and kind != self.instance.kind
        if changed_kind and self.instance.answers.exists():
            self.add_error(
                "kind", _("This question already has answers, so its kind cannot change.")
            )
        return cleaned

    def _clean_condition(self, cleaned) -> None:
        self.trigger, self.trigger_value = None, ""
        raw = (cleaned.get("condition") or "").strip()
        if not raw:
            return
        trigger_id, _sep, value = raw.partition(":")
        trigger = next((q for q in self.ordered if str(q.pk) == trigger_id), None)
        if trigger is None:
            self.add_error(
                "condition",
                _("“%(value)s” is not a question of this survey: pick one from the list.")
                % {"value": raw},
            )
            return
        question = self.instance
        question.show_if_value = value
        errors = question.skip_logic_errors(trigger)
        question.show_if_value = ""
        if errors:
            for message in errors.values():
                self.add_error("condition", message)
            return
        self.trigger, self.trigger_value = trigger, value

    def next_position(self, section) -> int:
        section_id = section.pk if section else None
        positions = [
            q.position
            for q in self.ordered
            if q.section_id == section_id and q.pk != self.instance.pk
        ]
        return max(positions, default=-1) + 1

    def _post_clean(self):
        super()._post_clean()
        question = self.instance
        question.show_if_question = self.trigger if hasattr(self, "trigger") else None
        question.show_if_value = getattr(self, "trigger_value", "")
        if question.pk is None:
            return
        # A question others wait for must stay before them and keep answers they use.
        for dependent in self.ordered:
            if dependent.show_if_question_id != question.pk:
                continue
            errors = dependent.skip_logic_errors(question)
            if question.kind == self.original_kind:
                errors.pop("show_if_value", None)  # the choice rows answer for these
            for reason in errors.values():
                field = "section" if question.kind == self.original_kind else "kind"
                self.add_error(
                    field,
                    _("“%(text)s” is shown by an answer to this question: %(reason)s")
                    % {"text": dependent.text, "reason": reason},
                )

    def fields_for_kind(self):
        """Each visible field with the kinds it is for ("" when it is for all)."""
        return [
            (self[name], " ".join(KIND_FIELDS.get(name, ())))
            for name in self.fields
            if name != "condition"
        ]


class ChoiceBuilderForm(forms.ModelForm):
    class Meta:
        model = Choice
        fields = ["label", "label_es", "value"]
        labels = {"value": gettext_lazy("Code (optional)")}
        help_texts = {"value": gettext_lazy("Made from the label when blank.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["label"].required = False  # a blank row is simply not a choice
        self.fields["value"].required = False  # made from the label

    def clean(self):
        cleaned = super().clean()
        label = (cleaned.get("label") or "").strip()
        value = (cleaned.get("value") or "").strip()
        if not label and (self.instance.pk or value or (cleaned.get("label_es") or "").strip()):
            self.add_error("label", _("Give this choice a label."))
        if label and not value:
            cleaned["value"] = slugify(label)[:100] or label[:100]
        return cleaned

    def is_blank(self) -> bool:
        return not (self.cleaned_data.get("label") or "").strip()


class BaseChoiceFormSet(forms.BaseInlineFormSet):
    """A choice question's choices: at least two, codes unique, and the answers other
    questions' skip logic waits for cannot be removed."""

    def clean(self):
        if any(self.errors):
            return
        kept = [
            form
            for form in self.forms
            if not self._should_delete_form(form) and not form.is_blank()
        ]
        if len(kept) < MIN_CHOICES:
            raise forms.ValidationError(
                _("Give a choice question at least %(n)d choices.") % {"n": MIN_CHOICES},
                code="too_few",
            )
        values = [form.cleaned_data["value"] for form in kept]
        seen = set()
        for form, value in zip(kept, values, strict=True):
            if value.casefold() in seen:
                form.add_error(
                    "value", _("Two choices have the code “%(value)s”.") % {"value": value}
                )
            seen.add(value.casefold())
        if self.instance.pk:
            # A renamed code still counts: the service carries it over.
            remaining = {value.casefold() for value in values} | {
                str(form.initial.get("value", "")).casefold() for form in kept
            }
            for dependent in self.instance.dependents.all():
                wanted = dependent.show_if_value.strip()
                if wanted.casefold() not in remaining:
                    raise forms.ValidationError(
                        _(
                            "“%(text)s” is shown when this question is answered “%(value)s”: "
                            "keep that choice, or change that question first."
                        )
                        % {"text": dependent.text, "value": wanted},
                        code="in_use",
                    )
        super().clean()


def choice_formset(*, question: Question, data=None, prefix="choices"):
    """The choice rows: the question's choices and a few blank ones."""
    extra = CHOICE_ROWS if question.pk is None else 2
    formset_class = forms.inlineformset_factory(
        Question,
        Choice,
        form=ChoiceBuilderForm,
        formset=BaseChoiceFormSet,
        extra=extra,
        can_delete=question.pk is not None,
    )
    return formset_class(data=data, instance=question, prefix=prefix)
