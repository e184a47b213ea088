"""Saved searches, follows and the alerts they produce.

A saved search keeps the catalog's query string (to link back to the catalog) and the
same filters as columns, so a newly published listing is matched against every saved
search in one SQL query (services.listing_match), never by running each search, and
the result is one row per listing (ListingMatch), whatever the number of matches.
Following a provider or a topic is a saved search with just that filter: one model,
one matcher, one e-mail.
"""

import json

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from events.models import Event


class TsQueryField(models.TextField):
    """The search text, parsed once into a Postgres tsquery (text elsewhere), so matching
    a listing's search vector costs an index-free `@@` per candidate, not a parse."""

    def db_type(self, connection):
        return "tsquery" if connection.vendor == "postgresql" else "text"


class SavedSearch(models.Model):
    class Frequency(models.TextChoices):
        INSTANT = "instant", _("Right away (at most one e-mail an hour)")
        DAILY = "daily", _("Once a day")
        WEEKLY = "weekly", _("Once a week")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_searches",
        verbose_name=_("educator"),
    )
    # The catalog's query string, normalised (sorted, valid filters only): the key that
    # keeps one row per search and per person, and the link back to the catalog.
    query = models.CharField(_("catalog query"), max_length=600, blank=True)
    frequency = models.CharField(
        _("how often"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY
    )
    # The filters, as the catalog parses them (events.filters.EventFilter).
    text = models.CharField(_("search text"), max_length=200, blank=True)
    terms = TsQueryField(null=True, blank=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Event.Kind.choices, blank=True)
    format = models.CharField(_("format"), max_length=20, choices=Event.Format.choices, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=Event.Language.choices, blank=True
    )
    grade_band = models.ForeignKey(
        "accounts.GradeBand",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("grade band"),
    )
    topic = models.ForeignKey(
        "events.Topic",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followers",
        verbose_name=_("topic"),
    )
    provider = models.ForeignKey(
        "providers.Provider",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="followers",
        verbose_name=_("provider"),
    )
    free_only = models.BooleanField(_("free only"), default=False)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    min_hours = models.DecimalField(
        _("at least this many PD hours"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches and follows")
        constraints = [
            models.UniqueConstraint(fields=["user", "query"], name="saved_search_once_per_user"),
        ]
        indexes = [
            models.Index(fields=["provider"], name="saved_search_provider"),
            models.Index(fields=["topic"], name="saved_search_topic"),
        ]

    def __str__(self) -> str:
        return self.query or "—"

    def get_absolute_url(self) -> str:
        """These results in the catalog."""
        return f"{reverse('events:catalog')}?{self.query}"

    @property
    def label(self) -> str:
        """What the search asks for, in the reader's language: "Webinar · Topic: STEM"."""
        parts = []
        if self.text:
            parts.append(_("“%(text)s”") % {"text": self.text})
        for field in ("kind", "format", "language"):
            if getattr(self, field):
                parts.append(str(getattr(self, f"get_{field}_display")()))
        if self.grade_band_id:
            parts.append(_("Grades: %(band)s") % {"band": self.grade_band})
        if self.topic_id:
            parts.append(_("Topic: %(topic)s") % {"topic": self.topic})
        if self.provider_id:
            parts.append(_("Provider: %(provider)s") % {"provider": self.provider})
        if self.free_only:
            parts.append(str(_("Free only")))
        if self.starts_on:
            parts.append(_("From %(date)s") % {"date": date_format(self.starts_on, "M j, Y")})
        if self.ends_on:
            parts.append(_("Until %(date)s") % {"date": date_format(self.ends_on, "M j, Y")})
        if self.min_hours is not None:
            hours = f"{self.min_hours.normalize():f}"
            parts.append(_("At least %(hours)s PD hours") % {"hours": hours})
        return " · ".join(parts)

    @property
    def is_follow(self) -> bool:
        """A follow: a provider or a topic, and nothing else."""
        return self.query.startswith(("provider=", "topic=")) and "&" not in self.query


class SearchIdsField(models.Field):
    """A sorted list of ids: a PostgreSQL bigint[] (written by one INSERT ... SELECT
    array_agg, read back with unnest and INTERSECT), JSON text elsewhere."""

    def db_type(self, connection):
        return "bigint[]" if connection.vendor == "postgresql" else "text"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return []
        if isinstance(value, str):
            return json.loads(value)
        return list(value)

    def to_python(self, value):
        if isinstance(value, str):
            return json.loads(value)
        return list(value or [])

    def get_db_prep_value(self, value, connection, prepared=False):
        ids = sorted({int(pk) for pk in value or []})
        return ids if connection.vendor == "postgresql" else json.dumps(ids)


class ListingMatch(models.Model):
    """A published listing, matched once against every saved search: for each frequency
    ONE row with the ids of the searches of that frequency it satisfies and of their
    educators (not one row per search), written by one INSERT ... SELECT.

    Rows are written under the alerts lock, so their ids follow the order of matching
    and serve as the cursor of the alert e-mails: each e-mail records in its outbox row
    the rows it covers, (``from``, ``upto``], and is composed from them when it is sent
    (selectors.alert_items). A listing goes out with the frequency its searches had when
    it was matched."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="+", verbose_name=_("event")
    )
    frequency = models.CharField(
        _("how often"), max_length=10, choices=SavedSearch.Frequency.choices
    )
    searches = SearchIdsField(_("matching saved searches"), default=list, editable=False)
    users = SearchIdsField(_("their educators"), default=list, editable=False)
    # "Right away" rows: the educators whose e-mail of the hour this listing's matching
    # wrote (the hour's next listings skip them; services.SKIP_TOLD_SQL). PostgreSQL only.
    told = SearchIdsField(_("told at once"), default=list, editable=False)
    matched_at = models.DateTimeField(_("matched"), db_index=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("matched listing")
        verbose_name_plural = _("matched listings")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "frequency"], name="listing_matched_once_per_frequency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} ({self.frequency}): {len(self.searches)}"
