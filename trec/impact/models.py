"""Stored impact snapshots: one row per period, holding the figures of its last
successful computation and the state of the one running now.

A snapshot's ``data`` is only ever read together with its ``definitions_version``:
figures computed under an older definition are shown as out of date, never mixed with
figures counted the current way (see ``trec.impact.metrics``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The version of the metric definitions (metrics.py) a snapshot's figures were counted
# under: bump it whenever how anything is counted changes.
DEFINITIONS_VERSION = (
    3  # 2: calls for proposals (proposals, acceptance, presenters); 3: Spanish topic names
)


class ImpactSnapshot(models.Model):
    class PeriodKind(models.TextChoices):
        YEAR = "year", _("Calendar year")
        SCHOOL_YEAR = "school_year", _("School year")
        RANGE = "range", _("Date range")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Computing")
        DONE = "done", _("Up to date")
        FAILED = "failed", _("Failed")

    period_kind = models.CharField(_("period"), max_length=20, choices=PeriodKind.choices)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"), help_text=_("Inclusive."))
    label = models.CharField(_("label"), max_length=60)
    # The last successful computation.
    definitions_version = models.PositiveSmallIntegerField(_("definitions version"), default=0)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("computation time (ms)"), null=True, blank=True)
    data = models.JSONField(_("figures"), default=dict, blank=True)
    # The latest request to (re)compute.
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    requested_at = models.DateTimeField(_("requested"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )

    class Meta:
        ordering = ["-period_start", "period_kind"]
        verbose_name = _("impact snapshot")
        verbose_name_plural = _("impact snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["period_kind", "period_start", "period_end"], name="impact_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="impact_period_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="impact_progress_max"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_period_kind_display()})"

    @property
    def has_figures(self) -> bool:
        return self.computed_at is not None

    @property
    def is_current(self) -> bool:
        """Computed under today's definitions (so its figures may be shown)."""
        return self.has_figures and self.definitions_version == DEFINITIONS_VERSION

    @property
    def is_stale(self) -> bool:
        return self.has_figures and not self.is_current

    @property
    def is_busy(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class AttendanceFact(models.Model):
    """One period's event check-ins, flattened (a TEMPORARY table the computation
    creates on its own connection, see ``metrics.Scope``): the big join of attendance,
    registrations and sessions is done once per snapshot instead of once per figure."""

    id = models.BigIntegerField(primary_key=True, db_column="att")
    registration = models.ForeignKey(
        "events.Registration", on_delete=models.DO_NOTHING, db_column="reg", related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_column="usr", related_name="+"
    )
    event = models.ForeignKey(
        "events.Event", on_delete=models.DO_NOTHING, db_column="evt", related_name="+"
    )
    starts_at = models.DateTimeField(db_column="starts")

    class Meta:
        managed = False
        db_table = "impact_attendance_fact"

    def __str__(self) -> str:
        return f"attendance {self.pk}"
