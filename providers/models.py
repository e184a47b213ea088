import datetime
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from trec.accounts.roles import is_coordinator
from trec.validators import validate_image


class ProviderQuerySet(models.QuerySet):
    def for_user(self, user):
        """The providers a staff user belongs to (coordinators: all of them)."""
        if is_coordinator(user):
            return self
        return self.filter(memberships__user=user)


class Provider(models.Model):
    """An organisation that offers professional learning to the region's educators."""

    class Kind(models.TextChoices):
        NONPROFIT = "nonprofit", _("Nonprofit")
        UNIVERSITY = "university", _("University or college")
        DISTRICT = "district", _("School district")
        GOVERNMENT = "government", _("Government agency")
        COMPANY = "company", _("Company")
        COMMUNITY = "community", _("Community organisation")

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    summary = models.CharField(_("summary"), max_length=280, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    summary_es = models.CharField(_("summary in Spanish"), max_length=280, blank=True)
    description_es = models.TextField(
        _("description in Spanish"),
        blank=True,
        help_text=_("Shown to Spanish readers when filled in; English otherwise."),
    )
    logo = models.ImageField(
        _("logo"),
        upload_to="providers/logos/",
        blank=True,
        validators=[validate_image],
        help_text=_("JPEG, PNG, WebP or GIF, up to 2 MB."),
    )
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    service_area = models.ManyToManyField(
        "accounts.District", blank=True, related_name="providers", verbose_name=_("service area")
    )
    topics = models.ManyToManyField(
        "events.Topic", blank=True, related_name="providers", verbose_name=_("topics")
    )
    is_partner = models.BooleanField(_("partner"), default=False)
    is_verified = models.BooleanField(_("verified"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("providers:detail", kwargs={"slug": self.slug})


class ProviderMembership(models.Model):
    """A user who works for a provider and may manage its listings in the back office."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        EDITOR = "editor", _("Editor")

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("provider")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="provider_memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("provider membership")
        verbose_name_plural = _("provider memberships")
        constraints = [
            models.UniqueConstraint(fields=["provider", "user"], name="membership_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.provider} ({self.get_role_display()})"


def new_request_token() -> str:
    """The requester's private key to their request's status page (256 bits)."""
    return secrets.token_urlsafe(32)


class OfferingQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Offering(models.Model):
    """Something a provider brings to a school: a short introduction, a PD session…
    Schools request one through the provider's profile."""

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person at the school")
        VIRTUAL = "virtual", _("Virtual")
        EITHER = "either", _("In person or virtual")

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="offerings", verbose_name=_("provider")
    )
    title = models.CharField(_("title"), max_length=150)
    title_es = models.CharField(_("title in Spanish"), max_length=150, blank=True)
    slug = models.SlugField(max_length=160)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    description_es = models.TextField(
        _("description in Spanish"),
        blank=True,
        help_text=_("Shown to Spanish readers when filled in; English otherwise."),
    )
    grade_bands = models.ManyToManyField(
        "accounts.GradeBand",
        blank=True,
        related_name="offerings",
        verbose_name=_("grade bands"),
        help_text=_("Leave empty when it suits every grade band."),
    )
    audience = models.CharField(
        _("audience"),
        max_length=200,
        blank=True,
        help_text=_("Who it is for, e.g. “Whole school staff” or “Counselors and coaches”."),
    )
    audience_es = models.CharField(_("audience in Spanish"), max_length=200, blank=True)
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.IN_PERSON
    )
    areas_served = models.ManyToManyField(
        "accounts.District",
        blank=True,
        related_name="offerings",
        verbose_name=_("areas served"),
        help_text=_("Leave empty when the provider comes anywhere in the region."),
    )
    is_active = models.BooleanField(
        _("taking requests"), default=True, help_text=_("Untick to hide it from the profile.")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OfferingQuerySet.as_manager()

    class Meta:
        ordering = ["provider", "position", "title"]
        verbose_name = _("on-site offering")
        verbose_name_plural = _("on-site offerings")
        constraints = [
            models.UniqueConstraint(fields=["provider", "slug"], name="offering_unique_slug")
        ]

    def __str__(self) -> str:
        return self.title

    def get_request_url(self) -> str:
        url = reverse("providers:request", kwargs={"slug": self.provider.slug})
        return f"{url}?offering={self.slug}"


class OfferingDuration(models.Model):
    """One way to book an offering, e.g. "10-minute introduction" or "30–60 minute PD"."""

    offering = models.ForeignKey(
        Offering, on_delete=models.CASCADE, related_name="durations", verbose_name=_("offering")
    )
    label = models.CharField(_("label"), max_length=120)
    label_es = models.CharField(_("label in Spanish"), max_length=120, blank=True)
    minutes = models.PositiveSmallIntegerField(
        _("minutes"),
        validators=[MinValueValidator(5), MaxValueValidator(8 * 60)],
        help_text=_("How long it usually takes: the calendar entry's default length."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["offering", "position", "minutes"]
        verbose_name = _("duration option")
        verbose_name_plural = _("duration options")

    def __str__(self) -> str:
        return self.label


class SessionRequest(models.Model):
    """A school asking a provider for an offering. new → scheduled → done, or declined
    (with a reason) from new or scheduled. Every change is logged in RequestUpdate and
    e-mailed to the requester, who follows it at a private link (the token)."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        SCHEDULED = "scheduled", _("Scheduled")
        DONE = "done", _("Done")
        DECLINED = "declined", _("Declined")

    class TimeOfDay(models.TextChoices):
        ANY = "any", _("Any time")
        MORNING = "morning", _("Morning")
        MIDDAY = "midday", _("Midday")
        AFTERNOON = "afternoon", _("Afternoon")
        AFTER_SCHOOL = "after_school", _("After school")

    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        related_name="session_requests",
        verbose_name=_("provider"),
    )
    offering = models.ForeignKey(
        Offering, on_delete=models.PROTECT, related_name="requests", verbose_name=_("offering")
    )
    duration = models.ForeignKey(
        OfferingDuration,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("length"),
    )
    school_name = models.CharField(_("school"), max_length=200)
    district = models.ForeignKey(
        "accounts.District",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="session_requests",
        verbose_name=_("district or school system"),
    )
    contact_name = models.CharField(_("contact name"), max_length=150)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    audience_size = models.PositiveSmallIntegerField(
        _("audience size"), validators=[MinValueValidator(1), MaxValueValidator(2000)]
    )
    # [{"date": "2027-01-14", "time_of_day": "morning"}, …] in the requester's order.
    preferred_dates = models.JSONField(_("preferred dates"), default=list)
    notes = models.TextField(_("notes"), blank=True)
    language = models.CharField(
        _("language for e-mails"), max_length=5, default="en", editable=False
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW, db_index=True
    )
    token = models.CharField(max_length=64, unique=True, default=new_request_token, editable=False)
    # The request form's one-off stamp token: a form shown once files one request, so
    # one stamp replayed 20 times cannot file 20 (the unique index decides, also in a race).
    form_token = models.CharField(max_length=32, null=True, blank=True, unique=True, editable=False)
    scheduled_start = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    scheduled_minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    event = models.ForeignKey(
        "events.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("calendar entry"),
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed in as"),
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("on-site request")
        verbose_name_plural = _("on-site requests")
        indexes = [models.Index(fields=["provider", "status"], name="request_provider_status")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="request_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["scheduled", "done"]) | Q(scheduled_start__isnull=False),
                name="request_scheduled_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offering} · {self.school_name}"

    def status_url(self) -> str:
        """The school's private status page. Deliberately not ``get_absolute_url``: the
        token is a secret, and generic "view on site" links must never carry it."""
        return reverse("providers:request_status", kwargs={"token": self.token})

    @property
    def scheduled_end(self):
        if self.scheduled_start is None or self.scheduled_minutes is None:
            return None
        return self.scheduled_start + datetime.timedelta(minutes=self.scheduled_minutes)

    def preferred_slots(self) -> list[tuple[datetime.date, str]]:
        """The preferred dates as (date, time-of-day label), in the requester's order."""
        labels = dict(self.TimeOfDay.choices)
        slots = []
        for item in self.preferred_dates:
            try:
                day = datetime.date.fromisoformat(item["date"])
            except (KeyError, TypeError, ValueError):
                continue
            slots.append((day, labels.get(item.get("time_of_day"), labels["any"])))
        return slots


class RequestUpdate(models.Model):
    """One step in a request's history: what happened, who did it, and whether the
    requester has been e-mailed about it (the guard that makes the e-mail task safe to
    run twice)."""

    request = models.ForeignKey(
        SessionRequest, on_delete=models.CASCADE, related_name="updates", verbose_name=_("request")
    )
    status = models.CharField(_("status"), max_length=12, choices=SessionRequest.Status.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("request update")
        verbose_name_plural = _("request updates")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.get_status_display()}"
