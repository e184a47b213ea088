"""Reads shared by the alerts pages, /me/ and the follow buttons."""

import datetime

from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from events.models import Event
from events.search import postgres

from .models import ListingMatch, SavedSearch, SearchIdsField

FEED_DAYS = 30


def my_searches(user):
    return SavedSearch.objects.filter(user=user).select_related("grade_band", "topic", "provider")


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


def _in_order(item: tuple[SavedSearch, Event]) -> tuple:
    search, event = item
    return (search.pk, event.starts_at is None, event.starts_at or timezone.now(), event.pk)


def alert_items(notifications) -> dict[int, list[tuple[SavedSearch, Event]]]:
    """What each alert e-mail carries, read when it is sent: the listings in its range of
    matched-listing rows of its frequency (the window's prefix), (from, upto], that
    matched one of its recipient's saved searches (still there) and are still public,
    as (search, listing) pairs ordered by search, then by date. Three queries for a batch of
    e-mails: the recipients' searches, the rows in range (on PostgreSQL only the ids
    they share with those searches, intersected in SQL) and the listings."""
    spans = {
        n.pk: (
            n.recipient_id,
            n.window.partition(":")[0],
            int(n.data.get("from", 0)),
            int(n.data.get("upto", 0)),
        )
        for n in notifications
    }
    result: dict[int, list[tuple[SavedSearch, Event]]] = {pk: [] for pk in spans}
    searches = SavedSearch.objects.filter(
        user_id__in={user_id for user_id, *_rest in spans.values()}
    ).select_related("grade_band", "topic", "provider")
    searches = {search.pk: search for search in searches}
    if not searches:
        return result
    rows = ListingMatch.objects.filter(
        pk__gt=min(span[2] for span in spans.values()),
        pk__lte=max(span[3] for span in spans.values()),
    )
    if postgres():
        ids = sorted(searches)
        rows = (
            rows.alias(
                shares=RawSQL(
                    "follows_listingmatch.searches && %s::bigint[]", [ids], BooleanField()
                )
            )
            .filter(shares=True)
            .annotate(
                hits=RawSQL(
                    "ARRAY(SELECT unnest(follows_listingmatch.searches) "
                    "INTERSECT SELECT unnest(%s::bigint[]))",
                    [ids],
                    SearchIdsField(),
                )
            )
            .values_list("pk", "frequency", "event_id", "hits")
        )
    else:
        rows = rows.values_list("pk", "frequency", "event_id", "searches")
    rows = [
        (pk, frequency, event_id, set(hits) & searches.keys())
        for pk, frequency, event_id, hits in rows
    ]
    events = (
        Event.objects.filter(
            pk__in={row[2] for row in rows if row[3]},
            status=Event.Status.PUBLISHED,
            is_private=False,
        )
        .select_related("provider")
        .in_bulk()
    )
    for pk, (user_id, frequency, low, high) in spans.items():
        items = [
            (searches[search_id], events[event_id])
            for row_id, row_frequency, event_id, hits in rows
            if low < row_id <= high and row_frequency == frequency and event_id in events
            for search_id in hits
            if searches[search_id].user_id == user_id
        ]
        items.sort(key=_in_order)
        result[pk] = items
    return result
