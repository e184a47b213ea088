"""The catalog's query parameters: parsed and validated by a django-filter FilterSet.

Every filter can also state itself as a ``Q`` (``EventFilter.conditions()``), so the
catalog can count each facet with every *other* active filter applied, in one query
per group, instead of filtering once per facet value. Many-to-many filters (grade bands,
topics: several may be chosen, and an event with any of them matches) test the event's
stored ids on Postgres (``grade_band_ids && ARRAY(SELECT id ... WHERE code IN ...)``,
columns of the catalog's covering index, kept by events.services.event_links_sync): no
join, so an event never appears twice and no ``DISTINCT`` is needed. On SQLite they are
``pk IN (subquery)`` semi-joins over the link tables.

Invalid values (an unknown kind, a malformed date) are dropped by the form and the
rest of the filters still apply; the form's errors are shown next to the fields.
"""

import datetime

import django_filters
from django import forms
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from trec.accounts.models import GradeBand
from trec.forms import DateField

from .models import Event, Topic
from .search import search_events


class Sort:
    SOONEST = "soonest"
    NEWEST = "newest"
    RELEVANCE = "relevance"

    choices = [
        (SOONEST, _("Soonest first")),
        (NEWEST, _("Newest listings")),
        (RELEVANCE, _("Best match")),
    ]


FREE = "free"

# The facets shown with counts, in page order. Dates and minimum hours filter but are
# not counted.
FACETS = ("kind", "format", "grade", "topic", "provider", "cost", "language")


class SlugFilter(django_filters.CharFilter):
    field_class = forms.SlugField


class DateFilter(django_filters.DateFilter):
    field_class = DateField  # the year 9999 is a form error, not an OverflowError


class CatalogForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date is before the start date."))
        return cleaned


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the hub's time zone (America/Phoenix)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _codes(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def has_grade_band(codes, ids=None) -> Q:
    """Any of these grade bands (one code or several: choosing K–2 and 3–5 widens).
    `ids`: theirs, when already known (Postgres)."""
    if connection.vendor == "postgresql":  # the stored ids (Event.grade_band_ids)
        if ids is None:
            ids = ArraySubquery(GradeBand.objects.filter(code__in=_codes(codes)).values("pk"))
        return Q(grade_band_ids__overlap=ids)
    through = Event.grade_bands.through.objects
    return Q(pk__in=through.filter(gradeband__code__in=_codes(codes)).values("event_id"))


def has_topic(slugs, ids=None) -> Q:
    """Any of these topics (one slug or several). `ids`: theirs, when already known."""
    if connection.vendor == "postgresql":  # the stored ids (Event.topic_ids)
        if ids is None:
            ids = ArraySubquery(Topic.objects.filter(slug__in=_codes(slugs)).values("pk"))
        return Q(topic_ids__overlap=ids)
    through = Event.topics.through.objects
    return Q(pk__in=through.filter(topic__slug__in=_codes(slugs)).values("event_id"))


def next_session_between(start: datetime.date | None, end: datetime.date | None) -> Q:
    """The event's *next* session (the first not yet over, a stored column) overlaps
    [start, end] (whole days, hub time): the date a card shows is in the range, and a
    series under way is found by the session still to come, never by one that is over
    or one months later. On-demand resources have no next session."""
    condition = Q(next_starts_at__isnull=False)
    if start:
        condition &= Q(next_ends_at__gt=start_of_day(start))
    if end:
        condition &= Q(next_starts_at__lt=start_of_day(end + datetime.timedelta(days=1)))
    return condition


MAX_CHOICES = 12  # values of one multi-select filter (there are 5 grade bands)


class SlugListField(forms.Field):
    """Several slugs from a repeated parameter (`?grade=k-2&grade=3-5`): duplicates and
    values that are not slugs dropped (they could match nothing), order kept."""

    widget = forms.SelectMultiple

    def __init__(self, *, max_length: int, **kwargs):
        super().__init__(**kwargs)
        self.slug = forms.SlugField(max_length=max_length, required=False)

    def to_python(self, value) -> list[str]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        values = []
        for item in value:
            try:
                slug = self.slug.clean(str(item).strip())
            except forms.ValidationError:
                continue
            if slug and slug not in values:
                values.append(slug)
        return values[:MAX_CHOICES]

    def validate(self, value) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class SlugListFilter(django_filters.Filter):
    field_class = SlugListField


class EventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), max_length=200)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Event.Kind.choices)
    format = django_filters.ChoiceFilter(label=_("Format"), choices=Event.Format.choices)
    grade = SlugListFilter(label=_("Grade band"), max_length=20)
    topic = SlugListFilter(label=_("Topic"), max_length=110)
    provider = SlugFilter(label=_("Provider"), max_length=160)
    cost = django_filters.ChoiceFilter(label=_("Cost"), choices=[(FREE, _("Free only"))])
    start = DateFilter(label=_("From"))
    end = DateFilter(label=_("Until"))
    language = django_filters.ChoiceFilter(label=_("Language"), choices=Event.Language.choices)
    min_hours = django_filters.NumberFilter(
        label=_("At least this many PD hours"),
        min_value=0,
        max_digits=5,
        decimal_places=2,
    )
    sort = django_filters.ChoiceFilter(label=_("Sort by"), choices=Sort.choices)

    class Meta:
        form = CatalogForm

    # Whether the search also matches titles letter for letter (trigram similarity):
    # the catalog turns it off when full-text search alone finds enough.
    typos = True
    # The chosen grade bands' and topics' ids, once the catalog has counted them
    # ({"grade": [...], "topic": [...]}); until then conditions() looks them up in SQL.
    link_ids: dict | None = None
    # The ids of every match, when the catalog counted few enough to page through.
    match_ids: list | None = None

    @cached_property
    def cleaned(self) -> dict:
        """The valid parameters, with empty ones dropped (invalid ones are left out)."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return {
            name: value
            for name, value in self.form.cleaned_data.items()
            if value not in (None, "", []) and not (name == "min_hours" and value == 0)
        }

    @property
    def search_text(self) -> str:
        return (self.cleaned.get("q") or "").strip()

    @property
    def current_sort(self) -> str:
        """The sort in effect: relevance is the default with a search, and only with one."""
        chosen = self.cleaned.get("sort")
        if self.search_text:
            return chosen or Sort.RELEVANCE
        return chosen if chosen in (Sort.SOONEST, Sort.NEWEST) else Sort.SOONEST

    def conditions(self) -> dict[str, Q]:
        """One Q per active filter (search and sort excepted), keyed by its name; the
        date range, which needs both ends on the same session, is keyed "dates"."""
        data = self.cleaned
        conditions: dict[str, Q] = {}
        for name in ("kind", "format", "language"):
            if name in data:
                conditions[name] = Q(**{name: data[name]})
        ids = self.link_ids or {}
        if "grade" in data:
            conditions["grade"] = has_grade_band(data["grade"], ids.get("grade"))
        if "topic" in data:
            conditions["topic"] = has_topic(data["topic"], ids.get("topic"))
        if "provider" in data:
            conditions["provider"] = Q(provider__slug=data["provider"])
        if data.get("cost") == FREE:
            conditions["cost"] = Q(cost=0)
        if "start" in data or "end" in data:
            conditions["dates"] = next_session_between(data.get("start"), data.get("end"))
        if "min_hours" in data:
            conditions["min_hours"] = Q(pd_hours__gte=data["min_hours"])
        return conditions

    def searched(self, queryset):
        """`queryset` narrowed by the search text (annotated with `rank`), nothing else."""
        return search_events(queryset, self.search_text, typos=self.typos)

    def filter_queryset(self, queryset):
        # Replaces django-filter's one-filter-at-a-time loop: the filters above only
        # parse and validate; conditions() says what each one means.
        return self.searched(queryset).filter(*self.conditions().values())


def catalog_filter(params, queryset=None) -> EventFilter:
    """The catalog's query parameters (`q`, `kind`, `format`, `grade`, `topic`,
    `provider`, `cost`, `start`, `end`, `language`, `min_hours`, `sort`) parsed and
    validated, over listed events unless `queryset` says otherwise: `.qs` is what the
    catalog lists for them, `.cleaned` the valid values, `.conditions()` one Q each.
    Anything that stores or replays a catalog search (saved searches) goes through here."""
    if queryset is None:
        queryset = Event.objects.listed()
    return EventFilter(data=params, queryset=queryset)
