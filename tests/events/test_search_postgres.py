"""Catalog search (`q`). On Postgres: a weighted full-text vector (title > summary >
description and provider) with ranking, trigram similarity for typos, and a GIN index.
On SQLite (the embedded default) it falls back to a case-insensitive substring match on
title, summary and provider name; the first test states what each backend does."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection, transaction
from django.urls import reverse

from events.models import Event
from events.search import refresh_search_vectors, search_events
from tests import factories

pytestmark = pytest.mark.django_db

CATALOG = reverse("events:catalog")


def titles(client, q: str) -> list[str]:
    page = BeautifulSoup(client.get(CATALOG, {"q": q}).content.decode(), "html.parser")
    return [a.get_text(strip=True) for a in page.select(".event-list .event-card-title a")]


def test_search_on_the_active_backend(client):
    """Every backend finds words in titles, summaries and provider names, whatever their
    case. Postgres also searches descriptions and forgives typos; SQLite's fallback is a
    plain case-insensitive substring match (icontains) on title, summary and provider
    only, so it finds parts of words but neither descriptions nor misspellings."""
    factories.EventFactory(
        title="Trauma-informed classrooms",
        summary="Calm routines for every grade.",
        description="We practise co-regulation strategies.",
        provider=factories.ProviderFactory(name="Ben's Bells"),
    )
    factories.EventFactory(title="Family math nights", summary="Games to play at home.")

    assert titles(client, "TRAUMA") == ["Trauma-informed classrooms"]
    assert titles(client, "routines") == ["Trauma-informed classrooms"]
    assert titles(client, "Ben's Bells") == ["Trauma-informed classrooms"]
    assert titles(client, "math") == ["Family math nights"]
    assert titles(client, "robotics") == []

    if connection.vendor == "postgresql":
        assert titles(client, "co-regulation") == ["Trauma-informed classrooms"]
        assert titles(client, "trauma infromed") == ["Trauma-informed classrooms"]
    else:
        assert titles(client, "co-regulation") == []  # descriptions are not searched
        assert titles(client, "trauma infromed") == []  # no typo tolerance
        assert titles(client, "auma-inf") == ["Trauma-informed classrooms"]  # substrings


@pytest.mark.postgres
def test_a_title_match_ranks_above_a_description_match(client):
    factories.EventFactory(
        title="Classroom routines that work",
        summary="Start the year well.",
        description="Restorative circles are one of the routines we model.",
    )
    factories.EventFactory(
        title="Restorative circles",
        summary="Repair harm and build community.",
        sessions=[(factories.in_days(40), factories.in_days(40, 18))],  # later: not by date
    )
    assert titles(client, "restorative circles") == [
        "Restorative circles",
        "Classroom routines that work",
    ]


@pytest.mark.postgres
def test_a_typo_still_finds_the_event(client):
    factories.EventFactory(title="Trauma-informed classrooms")
    factories.EventFactory(title="Early literacy for families")
    assert titles(client, "trauma infromed") == ["Trauma-informed classrooms"]
    assert titles(client, "early litteracy") == ["Early literacy for families"]


@pytest.mark.postgres
def test_search_uses_the_gin_indexes():
    """The search condition (full text OR trigram) can be answered from the GIN indexes.
    EXPLAIN runs on search_events() over all events: with a handful of rows the planner
    would otherwise pick the status index the catalog's other filters offer, which
    proves nothing about search."""
    for n in range(30):
        factories.EventFactory(title=f"Workshop {n}", provider=factories.ProviderFactory())
    factories.EventFactory(title="Trauma-informed classrooms")
    refresh_search_vectors()  # as EventFactory does through events.services.event_saved
    queryset = search_events(Event.objects.all(), "trauma informed")
    assert [event.title for event in queryset] == ["Trauma-informed classrooms"]
    with transaction.atomic(), connection.cursor() as cursor:
        # Forbid sequential scans (and full scans of the primary key index) for this
        # transaction: a plan can then only be found if the index is usable for the
        # search condition.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on event_search_vector_gin" in plan, plan
    assert "Bitmap Index Scan on event_title_trgm" in plan, plan
    assert "Seq Scan on events_event" not in plan, plan
