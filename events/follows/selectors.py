"""Reads shared by the alerts pages, /me/ and the follow buttons."""

import datetime

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from events.models import Event

from .models import SavedSearch

FEED_DAYS = 30


def my_searches(user):
    return SavedSearch.objects.filter(user=user).select_related("grade_band", "topic", "provider")


def get_search_for_owner(*, pk: int, user) -> SavedSearch:
    """The user's own saved search, else 404 (another person's is simply not there)."""
    search = SavedSearch.objects.filter(pk=pk, user=user).first()
    if search is None:
        raise Http404("No such saved search")
    return search


def followed(user) -> dict[str, set[int]]:
    """Ids of the providers and topics `user` follows (one query; none when signed out)."""
    result = {"provider": set(), "topic": set()}
    if not user.is_authenticated:
        return result
    rows = SavedSearch.objects.filter(user=user).filter(
        Q(query__startswith="provider=") | Q(query__startswith="topic=")
    )
    for search in rows.only("query", "provider_id", "topic_id"):
        if search.is_follow:
            if search.provider_id:
                result["provider"].add(search.provider_id)
            else:
                result["topic"].add(search.topic_id)
    return result


def new_from_follows(user, *, limit: int = 6) -> list[Event]:
    """Listings published in the last FEED_DAYS days by providers or on topics the user
    follows, newest first (two queries)."""
    follows = followed(user)
    if not follows["provider"] and not follows["topic"]:
        return []
    since = timezone.now() - datetime.timedelta(days=FEED_DAYS)
    through = Event.topics.through.objects.filter(topic_id__in=follows["topic"])
    return list(
        Event.objects.listed()
        .filter(published_at__gte=since)
        .filter(Q(provider_id__in=follows["provider"]) | Q(pk__in=through.values("event_id")))
        .select_related("provider")
        .only("title", "title_es", "slug", "starts_at", "provider__name", "provider__slug")
        .order_by("-published_at", "-pk")[:limit]
    )
