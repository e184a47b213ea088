"""Reads the provider pages share: the directory (filtered, counted, faceted) and a
provider's profile with its upcoming events and on-demand resources.

Each function runs a fixed number of queries whatever the number of rows: counts
are annotated (a correlated subquery per provider, not a query per provider) and
facets are one GROUP BY each.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.shortcuts import get_object_or_404

from events.models import Event, Topic
from trec.cache import cache_seconds, versioned_key
from trec.i18n import fallback_lang, localized

from .filters import SORT_LISTINGS, SORT_NAME, ProviderFilter
from .models import Offering, Provider, SessionRequest

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
    lang: str = ""  # "en" when a Spanish reader is shown an English label


@dataclass(frozen=True)
class Directory:
    filterset: ProviderFilter
    # filtered, annotated with listing_count, ordered; not evaluated (a list when cached)
    providers: QuerySet | list
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

    With CACHED_READS["provider_directory"] set, the providers (evaluated: a list) and
    the facets come from the cache when the same query was answered since the last
    change to a provider, its topics or an event (trec/cache_signals.py): no query.
    """
    filterset = ProviderFilter(data, queryset=Provider.objects.all())
    providers = (
        filterset.filter_queryset_except(Provider.objects.all())
        .annotate(listing_count=listing_count())
        .defer("description")
        .order_by(*ORDERINGS[filterset.value("sort")])
    )
    seconds = cache_seconds("provider_directory")
    if not seconds:
        return Directory(
            filterset=filterset,
            providers=providers,
            kind_facets=_kind_facets(filterset),
            topic_facets=_topic_facets(filterset),
        )
    key = versioned_key("providers", dict(filterset.cleaned))  # every filter, and the sort
    cached = cache.get(key)
    if cached is None:
        cached = (list(providers), _kind_facets(filterset), _topic_facets(filterset))
        cache.set(key, cached, seconds)
    return Directory(
        filterset=filterset, providers=cached[0], kind_facets=cached[1], topic_facets=cached[2]
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
    topics = Topic.objects.annotate(n=Count("providers", filter=Q(providers__in=matching)))
    selected = filterset.value("topic")
    facets = [
        Facet(
            value=topic.slug,
            label=localized(topic, "name"),
            count=topic.n,
            selected=topic.slug == selected,
            lang=fallback_lang(topic, "name"),
        )
        for topic in topics
        if topic.n or topic.slug == selected
    ]
    return sorted(facets, key=lambda facet: facet.label.casefold())


def provider_for_profile(*, slug: str) -> Provider:
    """A provider by slug, with its service area and topics (3 queries), or 404.
    `has_offerings` says whether it takes on-site requests (no query for offerings on
    the profile of a provider that has none)."""
    providers = Provider.objects.prefetch_related("service_area", "topics").annotate(
        has_offerings=Exists(Offering.objects.active().filter(provider=OuterRef("pk")))
    )
    return get_object_or_404(providers, slug=slug)


def provider_upcoming_events(*, provider: Provider) -> QuerySet:
    """The provider's dated listings the catalog shows, soonest first (one query)."""
    return (
        Event.objects.listed()
        .filter(provider=provider)
        .exclude(kind=Event.Kind.ON_DEMAND)
        .select_related("provider")  # the event card reads its name and logo
        .annotate(session_count=Count("sessions"))
        .defer("description", "search_vector", "provider__description")
        .order_by(F("starts_at").asc(nulls_last=True), "title")
    )


def provider_on_demand_resources(*, provider: Provider) -> QuerySet:
    """The provider's published on-demand resources, by title (one query)."""
    return (
        Event.objects.public()
        .filter(provider=provider, kind=Event.Kind.ON_DEMAND)
        .select_related("provider")
        .defer("description", "search_vector", "provider__description")
        .order_by("title")
    )


# --- On-site offerings and requests ------------------------------------------------------


def provider_offerings(*, provider: Provider) -> list:
    """The provider's active offerings with their lengths, grade bands and areas served:
    four queries whatever the number of offerings (one when it has none: the prefetches
    do not run); no query at all for a profile whose `has_offerings` is False."""
    if not getattr(provider, "has_offerings", True):
        return []
    offerings = list(
        Offering.objects.active()
        .filter(provider=provider)
        .prefetch_related("durations", "grade_bands", "areas_served")
        .order_by("position", "title")
    )
    for offering in offerings:
        offering.provider = provider  # its request link needs the slug: no query each
    return offerings


def provider_for_request(*, slug: str) -> Provider:
    """A provider that takes on-site requests (it has an active offering), or 404."""
    providers = Provider.objects.filter(
        Exists(Offering.objects.active().filter(provider=OuterRef("pk")))
    ).defer("description")
    return get_object_or_404(providers, slug=slug)


def session_request_for_token(*, token: str) -> SessionRequest:
    """The request a private status link points at, with its history, or 404 (two
    queries). The token is the only key: a wrong or truncated one finds nothing."""
    requests = SessionRequest.objects.select_related(
        "provider", "offering", "duration", "district"
    ).prefetch_related("updates")
    return get_object_or_404(requests, token=token)
