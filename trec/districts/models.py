"""A partner district's view: who may see it, what educators chose to share, and every
time the district looked at or exported a named record."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DistrictPartner(models.Model):
    """The "District partner" role: a district's PD lead, bound to one district,
    assigned by a coordinator in the back office."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="district_partner",
        verbose_name=_("person"),
    )
    district = models.ForeignKey(
        "accounts.District",
        on_delete=models.CASCADE,
        related_name="partners",
        verbose_name=_("district"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    class Meta:
        verbose_name = _("district partner")
        verbose_name_plural = _("district partners")

    def __str__(self) -> str:
        return f"{self.user} — {self.district}"


class TranscriptShare(models.Model):
    """An educator shares their named transcript with their district, from `shared_at`
    until they revoke it (`revoked_at`). Sharing again starts a new row: the rows are
    the log of every consent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="transcript_shares",
        verbose_name=_("educator"),
    )
    district = models.ForeignKey(
        "accounts.District", on_delete=models.CASCADE, related_name="+", verbose_name=_("district")
    )
    shared_at = models.DateTimeField(_("shared"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-shared_at", "-pk"]
        verbose_name = _("transcript share")
        verbose_name_plural = _("transcript shares")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="one_open_share"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.district_id}"


class DistrictAccess(models.Model):
    """A district partner viewed or exported an educator's named transcript."""

    class Action(models.TextChoices):
        VIEWED = "viewed", _("Viewed")
        CSV = "csv", _("Exported as CSV")
        XLSX = "xlsx", _("Exported as a spreadsheet (XLSX)")
        PDF = "pdf", _("Exported as PDF")

    educator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="district_accesses",
        verbose_name=_("educator"),
    )
    district = models.ForeignKey(
        "accounts.District", on_delete=models.CASCADE, related_name="+", verbose_name=_("district")
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("viewed by"),
    )
    action = models.CharField(_("what"), max_length=10, choices=Action.choices)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("district access")
        verbose_name_plural = _("district accesses")

    def __str__(self) -> str:
        return f"{self.district_id} {self.action} {self.educator_id}"
