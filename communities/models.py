"""Communities of Practice: year-long cohorts, their members, meetings and attendance.

A ``Membership`` is one educator's place in one community, from application to
decision: applied → accepted / waitlisted / declined, or withdrawn by the educator.
One row per (community, user); re-applying after withdrawing reuses it.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trec.i18n import localized_text
from trec.validators import validate_image


class CommunityQuerySet(models.QuerySet):
    def visible(self):
        """What the public list shows: every community that is not a draft."""
        return self.exclude(status=Community.Status.DRAFT)

    def open(self):
        return self.filter(status=Community.Status.OPEN)

    def with_counts(self):
        """Annotate accepted_count (and applied_count) so pages need no query per row."""
        return self.annotate(
            accepted_count=Count(
                "memberships", filter=Q(memberships__status=Membership.Status.ACCEPTED)
            ),
            applied_count=Count(
                "memberships", filter=Q(memberships__status=Membership.Status.APPLIED)
            ),
        )


class Community(models.Model):
    class Kind(models.TextChoices):
        COMMUNITY = "cop", _("Community of practice")
        TEACHER_LEADER = "teacher_leader", _("Teacher-leader cohort")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for applications")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    title_es = models.CharField(_("title in Spanish"), max_length=200, blank=True)
    slug = models.SlugField(max_length=220, unique=True)
    summary = models.CharField(_("summary"), max_length=300)
    summary_es = models.CharField(_("summary in Spanish"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    description_es = models.TextField(
        _("description in Spanish"),
        blank=True,
        help_text=_("Shown to Spanish readers when filled in; English otherwise."),
    )
    school_year = models.CharField(
        _("school year"), max_length=9, help_text=_("For example 2023–2024.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMMUNITY)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="facilitated_communities",
        verbose_name=_("facilitators"),
    )
    partner = models.ForeignKey(
        "providers.Provider",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communities",
        verbose_name=_("partner provider"),
    )
    materials = models.CharField(
        _("book or materials"),
        max_length=300,
        blank=True,
        help_text=_("For example: “Onward” by Elena Aguilar."),
    )
    materials_es = models.CharField(
        _("book or materials in Spanish"),
        max_length=300,
        blank=True,
        help_text=_("For example: “Onward” de Elena Aguilar."),
    )
    grade_bands = models.ManyToManyField(
        "accounts.GradeBand", blank=True, related_name="communities", verbose_name=_("grade bands")
    )
    audience_roles = models.JSONField(
        _("roles that may apply"),
        default=list,
        blank=True,
        help_text=_("Leave empty when every role may apply."),
    )
    min_years_experience = models.PositiveSmallIntegerField(
        _("minimum years of experience"), null=True, blank=True
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave blank for no limit.")
    )
    questions = models.JSONField(
        _("application questions"),
        default=list,
        blank=True,
        help_text=_("A list of questions; each needs an answer."),
    )
    questions_es = models.JSONField(
        _("application questions in Spanish"),
        default=list,
        blank=True,
        help_text=_("The same questions in Spanish, in the same order."),
    )
    photo = models.ImageField(
        _("photo"),
        upload_to="communities/photos/",
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
        validators=[validate_image],
        help_text=_("A photo of the group or its work: JPEG, PNG, WebP or GIF, up to 2 MB."),
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_alt = models.CharField(
        _("photo description"),
        max_length=200,
        blank=True,
        help_text=_("What the photo shows, for people who cannot see it."),
    )
    photo_alt_es = models.CharField(_("photo description in Spanish"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        ordering = ["-school_year", "title"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")

    def __str__(self) -> str:
        return f"{self.title} ({self.school_year})"

    def get_absolute_url(self) -> str:
        return reverse("communities:detail", kwargs={"slug": self.slug})

    def questions_shown(self) -> list[str]:
        """The application questions in the reader's language: each in Spanish where it
        was translated, in English otherwise (answers are kept under the English one)."""
        spanish = self.questions_es or []
        return [
            localized_text(question, spanish[index] if index < len(spanish) else "")
            for index, question in enumerate(self.questions)
        ]

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def seats_left(self, accepted_count: int | None = None) -> int | None:
        if self.capacity is None:
            return None
        if accepted_count is None:
            accepted_count = getattr(self, "accepted_count", None)
        if accepted_count is None:
            accepted_count = self.memberships.filter(status=Membership.Status.ACCEPTED).count()
        return max(self.capacity - accepted_count, 0)


class Membership(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ACCEPTED = "accepted", _("Accepted")
        WAITLISTED = "waitlisted", _("Waiting list")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("community")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_memberships",
        verbose_name=_("educator"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    answers = models.JSONField(_("answers"), default=list, blank=True)
    applied_at = models.DateTimeField(_("applied"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["applied_at"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="membership_once")
        ]
        indexes = [models.Index(fields=["community", "status"], name="membership_status")]

    def __str__(self) -> str:
        return f"{self.user} in {self.community} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.APPLIED, self.Status.ACCEPTED, self.Status.WAITLISTED)


class Meeting(models.Model):
    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIRTUAL = "virtual", _("Virtual")

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("community")
    )
    title = models.CharField(_("title"), max_length=200)
    title_es = models.CharField(_("title in Spanish"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=90)
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.VIRTUAL
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    join_url = models.URLField(_("virtual join link"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True, help_text=_("Markdown."))
    agenda_es = models.TextField(_("agenda in Spanish"), blank=True, help_text=_("Markdown."))

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0), name="meeting_positive_duration"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({timezone.localtime(self.starts_at):%b %-d, %Y})"

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def is_past(self) -> bool:
        return self.starts_at < timezone.now()


class MeetingAttendance(models.Model):
    """An accepted member attended one meeting (marked by a facilitator)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="attendances")
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("meeting attendance")
        verbose_name_plural = _("meeting attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "membership"], name="meeting_attendance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership.user} at {self.meeting}"


# --- Discussion board ------------------------------------------------------------------


class Thread(models.Model):
    """A conversation on a community's board. Its opening words are its first ``Post``."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="threads", verbose_name=_("community")
    )
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="community_threads",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    last_post_at = models.DateTimeField(_("last post"), default=timezone.now)

    class Meta:
        ordering = ["-last_post_at"]
        verbose_name = _("discussion thread")
        verbose_name_plural = _("discussion threads")
        indexes = [models.Index(fields=["community", "-last_post_at"], name="thread_recent")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("communities:thread", kwargs={"slug": self.community.slug, "pk": self.pk})


class Post(models.Model):
    """One message in a thread: Markdown, rendered sanitised. Its author may edit or
    delete it (a deleted post keeps its place, without its words); the community's
    facilitators and coordinators may hide it."""

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="posts", verbose_name=_("thread")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="community_posts",
        verbose_name=_("author"),
    )
    body = models.TextField(_("message"), max_length=10000, help_text=_("Markdown."))
    created_at = models.DateTimeField(_("posted"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("discussion post")
        verbose_name_plural = _("discussion posts")
        indexes = [models.Index(fields=["thread", "created_at"], name="post_thread_order")]

    def __str__(self) -> str:
        return f"{self.author} in {self.thread}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None
