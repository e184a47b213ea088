"""Catalog search. On Postgres: a stored, weighted search vector (title A, summary B,
description and provider name C; the Spanish title A and summary B, stemmed alike) with
a GIN index and ranking, plus trigram word similarity on titles so a typo still finds
the event. On SQLite (the embedded
default) it degrades to a case-insensitive match on title, summary and provider."""

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.models import F, FloatField, Q, QuerySet, Value
from django.db.models.functions import Greatest

SEARCH_CONFIG = "english"  # also spelled out in _REFRESH_SQL
# The trigram word-similarity threshold (0.4) is a connection option in trec/settings.py,
# so the `%>` operator, and with it the trigram GIN index, applies it.

_REFRESH_SQL = """
UPDATE events_event AS e SET search_vector =
    setweight(to_tsvector('english', coalesce(e.title, '')), 'A')
 || setweight(to_tsvector('english', coalesce(e.summary, '')), 'B')
 || setweight(to_tsvector('english', coalesce(e.title_es, '')), 'A')
 || setweight(to_tsvector('english', coalesce(e.summary_es, '')), 'B')
 || setweight(to_tsvector('english', coalesce(e.description, '') || ' ' || p.name), 'C')
FROM providers_provider AS p
WHERE p.id = e.provider_id
"""


def postgres() -> bool:
    return connection.vendor == "postgresql"


def refresh_search_vectors(*, event_ids=None, provider_id=None) -> None:
    """Recompute stored search vectors (for some events, a provider's, or all)."""
    if not postgres():
        return
    sql, params = _REFRESH_SQL, []
    if event_ids is not None:
        sql += " AND e.id = ANY(%s)"
        params.append(list(event_ids))
    if provider_id is not None:
        sql += " AND e.provider_id = %s"
        params.append(provider_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def search_events(queryset: QuerySet, text: str) -> QuerySet:
    """Filter to events matching `text`, annotated with `rank` (higher is better)."""
    text = text.strip()
    if not text:
        return queryset
    if not postgres():
        return queryset.filter(
            Q(title__icontains=text)
            | Q(title_es__icontains=text)
            | Q(summary__icontains=text)
            | Q(provider__name__icontains=text)
        ).annotate(rank=Value(1.0, output_field=FloatField()))
    query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
    return queryset.filter(Q(search_vector=query) | Q(title__trigram_word_similar=text)).annotate(
        rank=Greatest(
            SearchRank(F("search_vector"), query),
            TrigramWordSimilarity(text, "title") * Value(0.5),
            output_field=FloatField(),
        )
    )
