"""Reads the provider pages share: the directory (filtered, counted, faceted) and a
provider's profile with its upcoming events and on-demand resources.

Each function runs a fixed number of queries whatever the number of rows: counts
are annotated (a correlated subquery per provider, not a query per provider) and
facets are one GROUP BY each.
"""

from dataclasses import dataclass

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.shortcuts import get_object_or_404

from events.models import Event, Topic

from .filters import SORT_LISTINGS, SORT_NAME, ProviderFilter
from .models import Provider

ORDERINGS = {
    "": ("-is_partner", "name"),
    SORT_NAME: ("name",),
    SORT_LISTINGS: ("-listing_count", "-is_partner", "name"),
}


@dataclass(frozen=True)
class Facet:
    """One value of a filter, with how many providers choosing it would show."""

    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Directory:
    filterset: ProviderFilter
    providers: QuerySet  # filtered, annotated with listing_count, ordered; not evaluated
    kind_facets: list[Facet]
    topic_facets: list[Facet]


def listing_count() -> Coalesce:
    """How many of a provider's listings the public catalog shows (`Event.listed()`):
    upcoming events, webinars and programs, and on-demand resources."""
    listings = (
        Event.objects.listed()
        .filter(provider=OuterRef("pk"))
        .order_by()
        .values("provider")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(listings, output_field=IntegerField()), 0)


def provider_directory(data: QueryDict) -> Directory:
    """The directory for a GET query string: `q`, `kind`, `topic`, `sort`.

    Queries when evaluated: the providers (count + one page) and one each for the
    kind and topic facets, computed here.
    """
    filterset = ProviderFilter(data, queryset=Provider.objects.all())
    providers = (
        filterset.filter_queryset_except(Provider.objects.all())
        .annotate(listing_count=listing_count())
        .defer("description")
        .order_by(*ORDERINGS[filterset.value("sort")])
    )
    return Directory(
        filterset=filterset,
        providers=providers,
        kind_facets=_kind_facets(filterset),
        topic_facets=_topic_facets(filterset),
    )


def _kind_facets(filterset: ProviderFilter) -> list[Facet]:
    counts = dict(
        filterset.filter_queryset_except(Provider.objects.all(), "kind")
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
    )
    selected = filterset.value("kind")
    return [
        Facet(value=value, label=str(label), count=counts.get(value, 0), selected=value == selected)
        for value, label in Provider.Kind.choices
        if counts.get(value) or value == selected
    ]


def _topic_facets(filterset: ProviderFilter) -> list[Facet]:
    matching = filterset.filter_queryset_except(Provider.objects.all(), "topic").values("pk")
    topics = Topic.objects.annotate(
        n=Count("providers", filter=Q(providers__in=matching))
    ).order_by("name")
    selected = filterset.value("topic")
    return [
        Facet(value=topic.slug, label=topic.name, count=topic.n, selected=topic.slug == selected)
        for topic in topics
        if topic.n or topic.slug == selected
    ]


def provider_for_profile(*, slug: str) -> Provider:
    """A provider by slug, with its service area and topics (3 queries), or 404."""
    providers = Provider.objects.prefetch_related("service_area", "topics")
    return get_object_or_404(providers, slug=slug)


def provider_upcoming_events(*, provider: Provider) -> QuerySet:
    """The provider's dated listings the catalog shows, soonest first (one query)."""
    return (
        Event.objects.listed()
        .filter(provider=provider)
        .exclude(kind=Event.Kind.ON_DEMAND)
        .annotate(session_count=Count("sessions"))
        .defer("description", "search_vector")
        .order_by(F("starts_at").asc(nulls_last=True), "title")
    )


def provider_on_demand_resources(*, provider: Provider) -> QuerySet:
    """The provider's published on-demand resources, by title (one query)."""
    return (
        Event.objects.public()
        .filter(provider=provider, kind=Event.Kind.ON_DEMAND)
        .defer("description", "search_vector")
        .order_by("title")
    )
