"""Calls for proposals and what flows from them.

A ``Call`` belongs to a program (the summit, a spotlight series): it says when it is
open, which session formats, topics and grade bands it takes, which questions it asks,
what reviewers score (``Criterion``), whether review is blind, and how many PD hours
presenting earns. A ``Proposal`` is written by one person (the lead ``Presenter``) who
may invite co-presenters by e-mail; each presenter confirms and brings a bio and photo.
Reviewers on the call's committee (``Reviewer``) score proposals (``Review``) or
declare a ``Conflict``. Accepted proposals are placed into one of the call's rooms in
one of its time slots; a room holds one proposal per slot (a constraint, so two
coordinators scheduling at once cannot both win).
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys.models import Question
from trec.validators import validate_image


class Call(models.Model):
    class CreditRule(models.TextChoices):
        SESSION = "session", _("The session's length")
        FIXED = "fixed", _("A fixed number of hours")
        NONE = "none", _("No PD hours")

    event = models.ForeignKey(
        "events.Event",
        on_delete=models.CASCADE,
        related_name="calls",
        limit_choices_to={"kind": "program"},
        verbose_name=_("program"),
        help_text=_("The summit or spotlight series the accepted sessions join."),
    )
    title = models.CharField(_("title"), max_length=200)
    title_es = models.CharField(_("title in Spanish"), max_length=200, blank=True)
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    description_es = models.TextField(_("description in Spanish"), blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(
        _("closes"), help_text=_("Proposals can be edited until then.")
    )
    topics = models.ManyToManyField(
        "events.Topic", blank=True, related_name="calls", verbose_name=_("topics or tracks")
    )
    grade_bands = models.ManyToManyField(
        "accounts.GradeBand", blank=True, related_name="calls", verbose_name=_("grade bands")
    )
    blind_review = models.BooleanField(
        _("blind review"),
        default=False,
        help_text=_("Reviewers do not see the presenters' names, districts or bios."),
    )
    credit_rule = models.CharField(
        _("presenter PD hours"),
        max_length=10,
        choices=CreditRule.choices,
        default=CreditRule.SESSION,
    )
    credit_hours = models.DecimalField(
        _("fixed hours"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.25"))],
        help_text=_("With “a fixed number of hours”: what each presenter earns."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at", "title"]
        verbose_name = _("call for proposals")
        verbose_name_plural = _("calls for proposals")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="call_closes_after"
            ),
            models.CheckConstraint(
                condition=~Q(credit_rule="fixed") | Q(credit_hours__isnull=False),
                name="call_fixed_credit_has_hours",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("proposals:call", kwargs={"slug": self.slug})

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at


class SessionFormat(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="formats")
    name = models.CharField(_("name"), max_length=100)
    name_es = models.CharField(_("name in Spanish"), max_length=100, blank=True)
    minutes = models.PositiveSmallIntegerField(
        _("length in minutes"), validators=[MinValueValidator(5), MaxValueValidator(480)]
    )

    class Meta:
        ordering = ["minutes", "name"]
        verbose_name = _("session format")
        verbose_name_plural = _("session formats")

    def __str__(self) -> str:
        return f"{self.name} ({self.minutes} min)"


class Criterion(models.Model):
    """What reviewers score, from 1 (weak) to 5 (strong)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=100)
    name_es = models.CharField(_("name in Spanish"), max_length=100, blank=True)
    help_text = models.CharField(_("what reviewers look for"), max_length=300, blank=True)
    help_text_es = models.CharField(
        _("what reviewers look for, in Spanish"), max_length=300, blank=True
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")

    def __str__(self) -> str:
        return self.name


class CallQuestion(models.Model):
    """A question of the call's own, of one of the survey builder's text or number kinds."""

    KINDS = [
        (kind.value, kind.label)
        for kind in (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT, Question.Kind.NUMBER)
    ]

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("question"), max_length=400)
    text_es = models.CharField(_("question in Spanish"), max_length=400, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=KINDS)
    required = models.BooleanField(_("required"), default=False)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text


class Reviewer(models.Model):
    """A member of the call's review committee."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="reviewers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reviewing",
        verbose_name=_("reviewer"),
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reviewer")
        verbose_name_plural = _("review committee")
        constraints = [
            models.UniqueConstraint(fields=["call", "user"], name="reviewer_once_per_call")
        ]

    def __str__(self) -> str:
        return str(self.user)


class Room(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=200)
    name_es = models.CharField(_("name in Spanish"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["name"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [models.UniqueConstraint(fields=["call", "name"], name="room_once_per_call")]

    def __str__(self) -> str:
        return f"{self.name} ({self.capacity})"


class Slot(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    class Meta:
        ordering = ["starts_at", "ends_at"]
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after"),
            models.UniqueConstraint(
                fields=["call", "starts_at", "ends_at"], name="slot_once_per_call"
            ),
        ]

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at)
        end = timezone.localtime(self.ends_at)
        return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class ProposalQuerySet(models.QuerySet):
    def submitted(self):
        return self.exclude(status__in=[Proposal.Status.DRAFT, Proposal.Status.WITHDRAWN])


class Proposal(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        ACCEPTED = "accepted", _("Accepted")
        WAITLISTED = "waitlisted", _("Wait-listed")
        DECLINED = "declined", _("Declined")

    DECISIONS = (Status.ACCEPTED, Status.WAITLISTED, Status.DECLINED)

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="proposals")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("lead presenter"),
    )
    title = models.CharField(_("title"), max_length=200)
    abstract = models.TextField(_("abstract"), max_length=3000)
    session_format = models.ForeignKey(
        SessionFormat,
        on_delete=models.PROTECT,
        null=True,
        related_name="proposals",
        verbose_name=_("format"),
    )
    grade_bands = models.ManyToManyField(
        "accounts.GradeBand", blank=True, related_name="+", verbose_name=_("audience grade bands")
    )
    topics = models.ManyToManyField(
        "events.Topic", blank=True, related_name="+", verbose_name=_("topics")
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # Scheduling: one of the call's rooms in one of its slots, and the program session made.
    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals"
    )
    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals"
    )
    session = models.OneToOneField(
        "events.EventSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
        editable=False,
    )
    presenter_confirmed_at = models.DateTimeField(_("presenter confirmed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["room", "slot"],
                condition=Q(room__isnull=False, slot__isnull=False),
                name="proposal_one_per_room_slot",
            ),
            models.CheckConstraint(
                condition=Q(slot__isnull=True) | Q(status="accepted"),
                name="proposal_scheduled_is_accepted",
            ),
        ]
        indexes = [models.Index(fields=["call", "status"], name="proposal_call_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("proposals:proposal", kwargs={"pk": self.pk})

    @property
    def is_scheduled(self) -> bool:
        return self.slot_id is not None


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Presenter(models.Model):
    """Someone presenting a proposal: its lead (who wrote it) or a co-presenter invited
    by e-mail, who confirms with their own account. Each brings a bio and a photo."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="presenters")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="presenting",
    )
    email = models.EmailField(_("e-mail address"))
    is_lead = models.BooleanField(_("lead presenter"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.INVITED
    )
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    bio = models.TextField(_("short bio"), max_length=1200, blank=True)
    photo = models.ImageField(
        _("photo"),
        upload_to="proposals/photos/",
        blank=True,
        validators=[validate_image],
        help_text=_("JPEG, PNG, WebP or GIF, up to 2 MB."),
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-is_lead", "invited_at", "pk"]
        verbose_name = _("presenter")
        verbose_name_plural = _("presenters")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "email"], name="presenter_once_per_proposal"
            ),
            models.UniqueConstraint(
                fields=["proposal"], condition=Q(is_lead=True), name="presenter_one_lead"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.user.display_name if self.user_id else self.email


class Review(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    # {criterion id: 1–5}; `score` is their mean, kept for the ranked table.
    scores = models.JSONField(_("scores"), default=dict)
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=2)
    comment = models.TextField(_("comment"), max_length=3000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "reviewer"], name="review_once_per_reviewer"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="review_score_in_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer}: {self.score}"


class Conflict(models.Model):
    """A reviewer declared a conflict of interest: the proposal is hidden from them."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="conflicts")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_conflicts"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "reviewer"], name="conflict_once")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} ↔ {self.proposal}"
