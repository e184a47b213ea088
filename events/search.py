"""Catalog search, in English and Spanish, with or without accents.

On Postgres: a stored, weighted search vector with a GIN index. English text (title A,
summary and topic names B, description and provider name C) is stemmed with the
`english` configuration, Spanish text (title_es A, summary_es and the topics' Spanish
names B, description_es C) with `spanish`; everything is unaccented first
(`trec_unaccent`, an IMMUTABLE wrapper around the `unaccent` extension: migration
events/0009). A query is parsed with both configurations and either may match, so
"matemáticas", "matematicas" and "math" all find a mathematics listing, an English one
too through its topic's Spanish name. Typo tolerance is trigram word similarity on the
unaccented English and Spanish titles (`trec_titles`, with its own GIN index).

On SQLite (the embedded default) it degrades to a case-insensitive substring match on
title, summary, provider and topic names in both languages, with accents folded by a
`trec_unaccent` function registered on each connection.
"""

import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection
from django.db.backends.signals import connection_created
from django.db.models import Case, CharField, F, FloatField, Func, Q, QuerySet, Value, When
from django.db.models.functions import Greatest

from providers.models import Provider
from trec.i18n import localized

from .models import Event, ListedTitle, Topic

CONFIGS = ("english", "spanish")
# The trigram word-similarity threshold (0.4) is a connection option in trec/settings.py,
# so the `%>` operator, and with it the trigram GIN index, applies it.

_TOPIC_NAMES = """coalesce((
    SELECT string_agg(t.{column}, ' ') FROM events_event_topics et
    JOIN events_topic t ON t.id = et.topic_id WHERE et.event_id = e.id), '')"""
REFRESH_SQL = f"""
UPDATE events_event AS e SET search_vector =
    setweight(to_tsvector('english', public.trec_unaccent(e.title)), 'A')
 || setweight(to_tsvector('spanish', public.trec_unaccent(e.title_es)), 'A')
 || setweight(to_tsvector('english', public.trec_unaccent(e.summary)), 'B')
 || setweight(to_tsvector('spanish', public.trec_unaccent(e.summary_es)), 'B')
 || setweight(to_tsvector('english', public.trec_unaccent({_TOPIC_NAMES.format(column="name")})), 'B')
 || setweight(to_tsvector('spanish', public.trec_unaccent({_TOPIC_NAMES.format(column="name_es")})), 'B')
 || setweight(to_tsvector('english', public.trec_unaccent(e.description || ' ' || p.name)), 'C')
 || setweight(to_tsvector('spanish', public.trec_unaccent(e.description_es)), 'C')
FROM providers_provider AS p
WHERE p.id = e.provider_id
"""  # noqa: E501, S608 - constants only


class Unaccent(Func):
    """`trec_unaccent(text)`: the text without accents (Postgres: the unaccent
    extension; SQLite: `fold_accents`, registered below)."""

    function = "trec_unaccent"
    output_field = CharField()


class Titles(Func):
    """`trec_titles(title, title_es)`: what the trigram index on titles holds."""

    function = "trec_titles"
    output_field = CharField()

    def __init__(self):
        super().__init__(F("title"), F("title_es"))


def fold_accents(text: str | None) -> str | None:
    """ "Matemáticas, Ñandú" -> "Matematicas, Nandu", as Postgres's unaccent does."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _register_sqlite_unaccent(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("trec_unaccent", 1, fold_accents, deterministic=True)


connection_created.connect(_register_sqlite_unaccent, dispatch_uid="events.search.unaccent")


def postgres() -> bool:
    return connection.vendor == "postgresql"


def refresh_search_vectors(*, event_ids=None, provider_id=None, topic_id=None) -> None:
    """Recompute stored search vectors (for some events, a provider's, a topic's, or all)."""
    if not postgres():
        return
    sql, params = REFRESH_SQL, []
    if event_ids is not None:
        sql += " AND e.id = ANY(%s)"
        params.append(list(event_ids))
    if provider_id is not None:
        sql += " AND e.provider_id = %s"
        params.append(provider_id)
    if topic_id is not None:
        sql += " AND e.id IN (SELECT event_id FROM events_event_topics WHERE topic_id = %s)"
        params.append(topic_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def search_query(text: str) -> SearchQuery:
    """The text as a full-text query in both languages (either may match)."""
    english, spanish = (
        SearchQuery(Unaccent(Value(text)), config=config, search_type="websearch")
        for config in CONFIGS
    )
    return english | spanish


def search_events(queryset: QuerySet, text: str, *, typos: bool = True) -> QuerySet:
    """Filter to events matching `text`, annotated with `rank` (higher is better).
    `typos`: also match titles that are similar, letter for letter (Postgres).

    The matches are picked in a subquery that holds nothing but the search condition,
    so Postgres answers it from the GIN indexes, and only those candidates are ranked
    and meet the catalog's other filters."""
    text = text.strip()
    if not text:
        return queryset
    if not postgres():
        return _search_sqlite(queryset, text)
    query = search_query(text)
    rank = SearchRank(F("search_vector"), query)
    if not typos:
        matches = Event.objects.filter(search_vector=query)
        return queryset.filter(pk__in=matches.values("pk")).annotate(rank=rank)
    words = Unaccent(Value(text))
    matches = Event.objects.alias(titles=Titles()).filter(
        Q(search_vector=query) | Q(titles__trigram_word_similar=words)
    )
    similarity = TrigramWordSimilarity(words, Titles()) * Value(0.5)
    return queryset.filter(pk__in=matches.values("pk")).annotate(
        rank=Greatest(rank, similarity, output_field=FloatField())
    )


def _search_sqlite(queryset: QuerySet, text: str) -> QuerySet:
    folded = fold_accents(text)
    topics = Topic.objects.alias(
        name_folded=Unaccent("name"), name_es_folded=Unaccent("name_es")
    ).filter(Q(name_folded__icontains=folded) | Q(name_es_folded__icontains=folded))
    through = Event.topics.through.objects.filter(topic__in=topics)
    fields = ("title", "title_es", "summary", "summary_es", "provider__name")
    folded_fields = {f"{name}_folded": Unaccent(name) for name in fields}
    matches = Q(pk__in=through.values("event_id"))
    for name in folded_fields:
        matches |= Q(**{f"{name}__icontains": folded})
    return (
        queryset.alias(**folded_fields)
        .filter(matches)
        .annotate(rank=Value(1.0, output_field=FloatField()))
    )


SUGGEST_MIN_LENGTH = 2
SUGGEST_MAX_LENGTH = 100


def suggest(text: str, *, limit: int = 4) -> list[tuple[str, str]]:
    """As-you-type suggestions for the catalog's search box: ("topic" | "provider" |
    "title", label) pairs whose text contains `text`, accents and case ignored; titles
    where a word starts with it come first. Labels are in the reader's language. Three
    queries of small tables, each `limit` rows: topics, providers and the distinct
    titles of listed events (ListedTitle: a thousand rows where the catalog lists tens
    of thousands of events), never the events themselves nor trigram similarity, so
    it costs about a millisecond of database time."""
    text = " ".join(text.split())[:SUGGEST_MAX_LENGTH]
    if len(text) < SUGGEST_MIN_LENGTH:
        return []
    folded = fold_accents(text)
    topics = Topic.objects.alias(n=Unaccent("name"), n_es=Unaccent("name_es")).filter(
        Q(n__icontains=folded) | Q(n_es__icontains=folded)
    )
    providers = Provider.objects.alias(n=Unaccent("name")).filter(n__icontains=folded)
    lower = folded.lower()
    # Titles where a word starts with the text first (the whole title, then any word),
    # then those that merely contain it.
    rank = Case(
        When(folded__startswith=lower, then=Value(0)),
        When(folded__contains=f" {lower}", then=Value(1)),
        default=Value(2),
    )
    titles = (
        ListedTitle.objects.filter(folded__contains=lower)
        .annotate(rank=rank)
        .order_by("rank", "title")
    )
    found = [("topic", str(topic)) for topic in topics.order_by("name")[:limit]]
    found += [
        ("provider", name)
        for name in providers.order_by("name").values_list("name", flat=True)[:limit]
    ]
    labels = []
    # Titles alike in one language may differ in the other: keep distinct labels.
    for row in titles[: limit * 5]:
        label = localized(row, "title")
        if label not in labels:
            labels.append(label)
        if len(labels) == limit:
            break
    found += [("title", label) for label in labels]
    return found
