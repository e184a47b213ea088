"""One ledger of PD hours earned on the hub, and the certificates that summarise it.

Each ``Credit`` is one educator's hours from one source: an event they attended
(sessions summed, capped at the event's PD hours), a Community of Practice meeting
they attended, or a manual credit a coordinator added with a reason. Rows from
attendance carry a unique (user, source kind, source id) key, so recomputing them is
idempotent: never counted twice, never lost.
"""

import datetime
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def school_year_of(day: datetime.date) -> str:
    """The school year (July to June) a date falls in, e.g. "2023–2024"."""
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}–{start + 1}"


class Credit(models.Model):
    class Source(models.TextChoices):
        EVENT = "event", _("Event")
        MEETING = "meeting", _("Community meeting")
        ON_DEMAND = "on_demand", _("On-demand resource")
        MANUAL = "manual", _("Added by a coordinator")
        PRESENTER = "presenter", _("Presenting a session")

    class CreditType(models.TextChoices):
        CLOCK_HOURS = "clock_hours", _("Clock hours")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="credits",
        verbose_name=_("educator"),
    )
    source_kind = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_id = models.PositiveIntegerField(_("source id"), null=True, blank=True, editable=False)
    event = models.ForeignKey(
        "events.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    community = models.ForeignKey(
        "communities.Community",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    title = models.CharField(_("title"), max_length=300)
    provider_name = models.CharField(_("offered by"), max_length=200, blank=True)
    hours = models.DecimalField(
        _("hours"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.25"))]
    )
    credit_type = models.CharField(
        _("credit type"),
        max_length=20,
        choices=CreditType.choices,
        default=CreditType.CLOCK_HOURS,
    )
    earned_on = models.DateField(_("date"))
    school_year = models.CharField(_("school year"), max_length=9, editable=False, db_index=True)
    reason = models.TextField(
        _("reason"), blank=True, help_text=_("Required for manual credits: why they were added.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-earned_on", "title"]
        verbose_name = _("credit")
        verbose_name_plural = _("credits")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "source_kind", "source_id"],
                condition=Q(source_id__isnull=False),
                name="credit_once_per_source",
            ),
            models.CheckConstraint(
                condition=Q(source_kind="manual") | Q(source_id__isnull=False),
                name="credit_source_has_id",
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="credit_positive_hours"),
        ]
        indexes = [models.Index(fields=["user", "earned_on"], name="credit_user_date")]

    def __str__(self) -> str:
        return f"{self.user}: {self.hours} h, {self.title}"

    def save(self, *args, **kwargs):
        self.school_year = school_year_of(self.earned_on)
        super().save(*args, **kwargs)


def new_certificate_code() -> str:
    """Twelve unambiguous characters in three groups, e.g. "K7QX-M2PA-9RTD"."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class Certificate(models.Model):
    """A certificate of PD hours with a public verification code.

    The title, hours, dates and issuer are copied when it is issued: a certificate
    says what was true that day, whatever happens to the ledger afterwards.
    """

    class Kind(models.TextChoices):
        EVENT = "event", _("Event")
        COMMUNITY = "community", _("Community year")
        YEAR = "year", _("School-year summary")
        PRESENTED = "presented", _("Presented a session")

    code = models.CharField(max_length=14, unique=True, default=new_certificate_code)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="certificates",
        verbose_name=_("educator"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # What the certificate covers: the event or community id, or the school year.
    subject_key = models.CharField(max_length=40, editable=False)
    recipient_name = models.CharField(_("awarded to"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    issuer = models.CharField(_("offered by"), max_length=200, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=2)
    first_date = models.DateField(_("from"))
    last_date = models.DateField(_("to"))
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("why it was revoked"), max_length=300, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            # One valid certificate per subject; a revoked one may be re-issued.
            models.UniqueConstraint(
                fields=["user", "kind", "subject_key"],
                condition=Q(revoked_at__isnull=True),
                name="certificate_once_per_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.recipient_name}, {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("certificates:verify", kwargs={"code": self.code})

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
