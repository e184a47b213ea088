from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors

PAGE_SIZE = 24


@require_GET
def directory(request):
    """Who: everyone. The provider directory: search, kind and topic filters with
    counts, partners first; 24 a page. Queries: 4 (count, page, two facets)."""
    result = selectors.provider_directory(request.GET)
    page = Paginator(result.providers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "providers/directory.html",
        {
            "filterset": result.filterset,
            "kind_facets": result.kind_facets,
            "topic_facets": result.topic_facets,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        },
    )


@require_GET
def detail(request, slug):
    """Who: everyone. A provider's profile with its upcoming events and on-demand
    resources. Queries: 5 (provider, service area, topics, two event lists)."""
    provider = selectors.provider_for_profile(slug=slug)
    return render(
        request,
        "providers/detail.html",
        {
            "provider": provider,
            "upcoming_events": selectors.provider_upcoming_events(provider=provider),
            "on_demand_resources": selectors.provider_on_demand_resources(provider=provider),
        },
    )
