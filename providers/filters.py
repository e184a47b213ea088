"""The provider directory's filters: `q` (name, summary), `kind`, `topic` (Topic.slug)
and `sort`. Every filter is a GET parameter, so each state of the page is a shareable URL.

Values are validated without touching the database (the topic is matched by slug),
so the directory's query count does not depend on which filters are set. A value that
does not validate (an unknown kind, say) is ignored rather than emptying the page.
"""

from functools import reduce
from operator import and_

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Provider

SORT_DEFAULT = ""  # partners first, then by name
SORT_NAME = "name"
SORT_LISTINGS = "listings"
SORT_CHOICES = [
    (SORT_NAME, _("Name (A–Z)")),
    (SORT_LISTINGS, _("Most upcoming listings")),
]


class ProviderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search providers"), method="filter_search")
    kind = django_filters.ChoiceFilter(
        label=_("Kind of organisation"),
        choices=Provider.Kind.choices,
        empty_label=_("All kinds"),
    )
    topic = django_filters.CharFilter(label=_("Topic"), field_name="topics__slug")
    # Ordering is applied by providers.selectors (it needs the listing-count annotation);
    # the filter only validates the value.
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=SORT_CHOICES,
        empty_label=_("Partners first"),
        method="keep",
    )

    class Meta:
        model = Provider
        fields = ["q", "kind", "topic", "sort"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Every word must appear in the name or the summary ("bells ben" finds Ben's Bells)."""
        words = value.split()
        if not words:
            return queryset
        return queryset.filter(
            reduce(and_, (Q(name__icontains=w) | Q(summary__icontains=w) for w in words))
        )

    def keep(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset

    @property
    def cleaned(self) -> dict:
        """The filters' valid values (invalid ones are left out)."""
        self.errors  # noqa: B018 - validates the form once
        return getattr(self.form, "cleaned_data", {})

    def value(self, name: str):
        """The valid, cleaned value of one filter ('' when unset or invalid)."""
        return self.cleaned.get(name) or ""

    def filter_queryset_except(self, queryset: QuerySet, *skip: str) -> QuerySet:
        """The queryset filtered by every filter but `skip`: facet counts for a filter
        are taken over the results of all the *other* filters, so each count says how
        many providers choosing that value would show."""
        for name, value in self.cleaned.items():
            if name not in skip:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    @property
    def active(self) -> bool:
        """Whether any filter (not the sort order) narrows the results."""
        return any(self.value(name) for name in ("q", "kind", "topic"))
