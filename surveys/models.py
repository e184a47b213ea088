"""Surveys: the yearly needs survey, feedback after events, and general surveys.

A `Survey` holds optional `Section`s (one page each) and `Question`s; a `Response`
is one person's answers, an `Answer` one value of it (one row per chosen option and
per ranked topic, so reports are plain database aggregates).

Anonymity: a response to an anonymous survey never links to its user, stores no IP,
user agent or timestamp, only the day it was submitted and the answers; the coarse
facts crosstabs use (role, grade band, district) only when one of its questions asks
for them, never from the profile. An anonymous survey may be limited to
people holding an `Invitation` link; the invitation only remembers that it was used,
never by which response.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trec.accounts.models import User
from trec.i18n import localized

DEFAULT_MAX_RANKED = 3


# Agreeing, on a Likert question, is answering one of its top two points (4 or 5 on a
# 5-point scale). The one place the rule is written: survey reports and the impact
# report's satisfaction figures count with it.
AGREES = Q(number__gte=models.F("question__scale_points") - 1)


AGREE_LABELS = [
    _("Strongly disagree"),
    _("Disagree"),
    _("Neither agree nor disagree"),
    _("Agree"),
    _("Strongly agree"),
]


def scale_labels(question: "Question") -> list[str]:
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


class Survey(models.Model):
    class Kind(models.TextChoices):
        NEEDS = "needs", _("Needs survey")
        FEEDBACK = "feedback", _("Event feedback")
        GENERAL = "general", _("General")

    title = models.CharField(_("title"), max_length=200)
    title_es = models.CharField(_("title in Spanish"), max_length=200, blank=True)
    slug = models.SlugField(max_length=220, unique=True)
    intro = models.TextField(_("introduction"), blank=True)
    intro_es = models.TextField(_("introduction in Spanish"), blank=True)
    thank_you = models.TextField(
        _("thank-you message"),
        blank=True,
        help_text=_("Shown after submitting; a generic thank-you when blank."),
    )
    thank_you_es = models.TextField(_("thank-you message in Spanish"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GENERAL)
    anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_(
            "Responses store no account, IP address or time, only the date. Identified "
            "surveys need signing in, allow one response per person and can be resumed."
        ),
    )
    invitation_only = models.BooleanField(
        _("invitation links only"),
        default=False,
        help_text=_("Anonymous surveys only: each invitation link can be used for one response."),
    )
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    event = models.OneToOneField(
        "events.Event",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feedback_survey",
        verbose_name=_("event"),
        help_text=_("For event feedback: the event whose attendees answer it."),
    )
    expected_respondents = models.PositiveIntegerField(
        _("expected respondents"),
        null=True,
        blank=True,
        help_text=_(
            "How many people were asked, for the response rate (feedback surveys use "
            "the event's attendees; invitation surveys the number of invitations)."
        ),
    )
    is_feedback_template = models.BooleanField(
        _("default feedback template"),
        default=False,
        help_text=_("New event feedback surveys are copied from this survey."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at", "title"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:take", args=[self.slug])

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("A survey must close after it opens.")})
        if self.invitation_only and not self.anonymous:
            raise ValidationError(
                {"invitation_only": _("Invitation links are for anonymous surveys.")}
            )
        if self.event_id and self.kind != self.Kind.FEEDBACK:
            raise ValidationError({"event": _("Only feedback surveys belong to an event.")})

    def state(self, now=None) -> str:
        """ "open", "not_open" or "closed"."""
        now = now or timezone.now()
        if self.opens_at and now < self.opens_at:
            return "not_open"
        if self.closes_at and now >= self.closes_at:
            return "closed"
        return "open"

    @property
    def is_open(self) -> bool:
        return self.state() == "open"


class Section(models.Model):
    """One page of a survey."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    title_es = models.CharField(_("title in Spanish"), max_length=200, blank=True)
    intro = models.TextField(_("introduction"), blank=True)
    intro_es = models.TextField(_("introduction in Spanish"), blank=True)

    class Meta:
        ordering = ["survey", "position", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        LIKERT = "likert", _("Agreement scale (Likert)")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        NUMBER = "number", _("Number")
        TOPIC_RANKING = "topic_ranking", _("Topic ranking")

    class CrosstabField(models.TextChoices):
        NONE = "", _("—")
        ROLE = "role", _("Role")
        GRADE_BAND = "grade_band", _("Grade band")
        DISTRICT = "district", _("District")

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)
    TEXT_KINDS = (Kind.SHORT_TEXT, Kind.LONG_TEXT)

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(
        Section,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("section"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("question"), max_length=400)
    text_es = models.CharField(_("question in Spanish"), max_length=400, blank=True)
    help_text = models.CharField(_("help text"), max_length=400, blank=True)
    help_text_es = models.CharField(_("help text in Spanish"), max_length=400, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    required = models.BooleanField(_("required"), default=False)
    scale_points = models.PositiveSmallIntegerField(
        _("scale points"),
        default=5,
        help_text=_("Likert: the highest point is the strongest agreement."),
    )
    scale_labels = models.TextField(
        _("scale labels"),
        blank=True,
        help_text=_(
            "Likert: one label per line, lowest point first; blank for the 5-point agreement scale."
        ),
    )
    scale_labels_es = models.TextField(_("scale labels in Spanish"), blank=True)
    min_value = models.DecimalField(
        _("smallest number"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("largest number"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    allow_other = models.BooleanField(_('allow "other"'), default=False)
    max_ranked = models.PositiveSmallIntegerField(_("topics to rank"), default=DEFAULT_MAX_RANKED)
    show_if_question = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dependents",
        verbose_name=_("show only if question"),
    )
    show_if_value = models.CharField(
        _("…was answered with"),
        max_length=100,
        blank=True,
        help_text=_("A choice's value, or a Likert point (1 to the scale's points)."),
    )
    crosstab_field = models.CharField(
        _("records"),
        max_length=20,
        choices=CrosstabField.choices,
        blank=True,
        help_text=_(
            "A single-choice question whose choice values are role codes, grade band "
            "codes or district slugs; the answer is kept on the response for crosstabs."
        ),
    )

    class Meta:
        ordering = ["survey", "position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_points__gte=2) & Q(scale_points__lte=11),
                name="surveys_question_scale_points_range",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    TRIGGER_KINDS = (Kind.SINGLE, Kind.MULTIPLE, Kind.LIKERT)

    def clean(self):
        errors = {}
        if self.show_if_question_id:
            errors.update(self.skip_logic_errors(self.show_if_question))
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            errors["max_value"] = _("The largest number must not be below the smallest.")
        if errors:
            raise ValidationError(errors)

    def order_key(self, sections: dict | None = None) -> tuple:
        """Where the respondent meets this question: questions without a section come
        on the first page, then each section's page in order (as `SurveyPlan` lays
        them out); a question not saved yet comes after others at its position."""
        if self.section_id is None:
            page = (0, 0, 0)
        else:
            section = (sections or {}).get(self.section_id) or self.section
            page = (1, section.position, section.pk)
        return (page, self.position, self.pk or float("inf"))

    def trigger_values(self) -> list[tuple[str, str]]:
        """(value, label) of each answer to this question that skip logic can wait for:
        its choices, or the points of its scale."""
        if self.kind in self.CHOICE_KINDS:
            return [(c.value, c.label) for c in self.choices.all()]
        if self.kind == self.Kind.LIKERT:
            return [(str(i), label) for i, label in enumerate(scale_labels(self), start=1)]
        return []

    def skip_logic_errors(self, trigger: "Question") -> dict:
        """The one rule for skip logic: it follows an earlier choice or scale question of
        the same survey, and waits for one of that question's actual answers."""
        if trigger.survey_id != self.survey_id:
            return {"show_if_question": _("Pick a question of the same survey.")}
        if self.pk and trigger.pk == self.pk:
            return {"show_if_question": _("A question cannot depend on itself.")}
        if trigger.kind not in self.TRIGGER_KINDS:
            return {
                "show_if_question": _(
                    "Skip logic can only follow a choice or agreement-scale question."
                )
            }
        if trigger.order_key() >= self.order_key():
            return {
                "show_if_question": _(
                    "“%(trigger)s” comes after this question: skip logic can only follow "
                    "an earlier question."
                )
                % {"trigger": trigger.text}
            }
        value = (self.show_if_value or "").strip()
        if not value:
            return {"show_if_value": _("Say which answer shows this question.")}
        allowed = trigger.trigger_values()
        if value.casefold() not in {v.casefold() for v, _label in allowed}:
            return {
                "show_if_value": _(
                    "“%(value)s” is not an answer to “%(trigger)s”. Pick one of: %(answers)s."
                )
                % {
                    "value": value,
                    "trigger": trigger.text,
                    "answers": ", ".join(label for _v, label in allowed),
                }
            }
        return {}

    @property
    def field_name(self) -> str:
        return f"q{self.pk}"

    @property
    def agree_threshold(self) -> int:
        """Top two boxes: the lowest Likert point that counts as agreeing (AGREES)."""
        return self.scale_points - 1


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label = models.CharField(_("label"), max_length=200)
    label_es = models.CharField(_("label in Spanish"), max_length=200, blank=True)
    value = models.CharField(
        _("value"),
        max_length=100,
        help_text=_("Stable code for skip logic, crosstabs and exports."),
    )
    topic = models.ForeignKey(
        "events.Topic",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("catalog topic"),
        help_text=_("Counts as demand for this topic in the gap report."),
    )

    class Meta:
        ordering = ["question", "position", "pk"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "value"], name="surveys_choice_unique_value"
            ),
        ]

    def __str__(self) -> str:
        return self.label


def new_invitation_token() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    """A single-use link to an anonymous survey. Deliberately not linked to the
    response it was used for: it only knows whether it has been used."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    used = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.survey} invitation"

    def link(self) -> str:
        """The invitation's private link (its token is the secret that admits one
        response), kept out of ``get_absolute_url`` and so out of "view on site"."""
        return reverse("surveys:take", args=[self.survey.slug]) + f"?t={self.token}"


class RespondentKey(models.Model):
    """Someone answered an open anonymous survey today: a keyed hash of their account,
    device or address and the day (trec.visitors), so a second answer from them the
    same day is refused. Like an invitation, it is never linked to the response and
    holds no time."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("respondent key")
        verbose_name_plural = _("respondent keys")
        constraints = [
            models.UniqueConstraint(fields=["survey", "key"], name="surveys_one_answer_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.survey} respondent"


class Response(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_responses",
        help_text=_("Always empty on anonymous surveys."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    role = models.CharField(_("role"), max_length=20, blank=True, choices=User.Role.choices)
    grade_band = models.ForeignKey(
        "accounts.GradeBand",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("grade band"),
    )
    district = models.ForeignKey(
        "accounts.District",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    # Identified drafts only: the answers so far (form data) and the page reached.
    draft = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "user"],
                condition=Q(status="submitted", user__isnull=False),
                name="surveys_one_submitted_response_per_user",
            ),
            models.UniqueConstraint(
                fields=["survey", "user"],
                condition=Q(status="draft", user__isnull=False),
                name="surveys_one_draft_per_user",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_on__isnull=False),
                name="surveys_submitted_response_has_date",
            ),
        ]
        indexes = [models.Index(fields=["survey", "status"])]

    def __str__(self) -> str:
        return f"{self.survey} response {self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    number = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    choice = models.ForeignKey(
        Choice, on_delete=models.CASCADE, null=True, blank=True, related_name="answers"
    )
    other_text = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    topic = models.ForeignKey(
        "events.Topic", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    rank = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "choice"],
                condition=Q(choice__isnull=False),
                name="surveys_answer_choice_once",
            ),
            models.UniqueConstraint(
                fields=["response", "question", "topic"],
                condition=Q(topic__isnull=False),
                name="surveys_answer_topic_once",
            ),
            models.UniqueConstraint(
                fields=["response", "question", "rank"],
                condition=Q(rank__isnull=False),
                name="surveys_answer_rank_once",
            ),
        ]
        indexes = [models.Index(fields=["question", "choice"])]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.number or self.choice_id or self.text[:30]}"
