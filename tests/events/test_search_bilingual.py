"""Search in both languages (issue 19): Spanish and English words, with or without
accents, find the same listings; a Spanish word finds English listings through their
topic's Spanish name; and the catalog's search still runs on the GIN index."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import demo as events_demo
from events import services
from events.models import Event, ListedTitle, Topic
from events.tasks import refresh_next_sessions
from providers import demo as providers_demo
from tests import factories
from trec.accounts import demo as accounts_demo
from trec.management.commands.seed_demo import SeedContext

pytestmark = pytest.mark.django_db

CATALOG = reverse("events:catalog")


def search(client, q: str, **params) -> BeautifulSoup:
    response = client.get(CATALOG, {"q": q, **params})
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def titles(page: BeautifulSoup) -> list[str]:
    return [a.get_text(strip=True) for a in page.select(".event-list .event-card-title a")]


def total(page: BeautifulSoup) -> str:
    return page.find(id="results-heading").get_text(strip=True)


class Command:
    stdout = type("Quiet", (), {"write": staticmethod(lambda text: None)})()


@pytest.fixture
def demo_catalog(db):
    """The demo generator's catalog at a small size: its topics (with their Spanish
    names), region, providers and 150 listings, English titles and summaries only."""
    context = SeedContext(
        command=Command(),
        options={"events": 150, "providers": 12, "educators": 0, "verbosity": 0},
    )
    for step in (
        events_demo.seed_topics,
        accounts_demo.seed_region,
        providers_demo.seed_providers,
        events_demo.seed_events,
    ):
        step(context)
    return context


def listed_with_topic(english_name: str) -> list[str]:
    """The titles of the listed events on this topic (demo titles repeat)."""
    topic = Topic.objects.get(name=english_name)
    return list(Event.objects.listed().filter(topics=topic).values_list("title", flat=True))


# Each Spanish (or English) word and the demo topic its listings are about.
WORDS = {
    "matemáticas": "Mathematics instruction",
    "matematicas": "Mathematics instruction",
    "ciencia": "STEM and science",
    "bienestar": "Educator wellness and resiliency",
    "lectoescritura": "Early literacy",
    "trauma": "Trauma-informed practice",
    "equidad": "Educational equity",
}


@pytest.mark.postgres
@pytest.mark.parametrize(("word", "topic"), WORDS.items())
def test_spanish_words_find_the_demo_listings_on_their_topic(client, demo_catalog, word, topic):
    """The demo listings are written in English; the Spanish words match them through
    their topic's Spanish name ("Lectoescritura temprana", "Equidad educativa"), and
    every listing shown is on that topic."""
    expected = listed_with_topic(topic)
    assert expected, f"the demo catalog has no listed event on {topic}"
    page = search(client, word)
    shown = titles(page)
    assert shown, f"{word!r} found nothing"
    assert set(shown) <= set(expected), f"{word!r} found listings not on {topic}"
    assert total(page) == (f"{len(expected)} results" if len(expected) > 1 else "1 result")


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("accented", "plain"),
    [("matemáticas", "matematicas"), ("Lectoescritura", "lectoescritúra"), ("CIENCIA", "ciencía")],
)
def test_accented_and_unaccented_queries_give_the_same_results(
    client, demo_catalog, accented, plain
):
    first, second = search(client, accented), search(client, plain)
    assert titles(first) and titles(first) == titles(second)
    assert total(first) == total(second)
    # Page 2 and the facet counts too: the whole result set is the same.
    assert titles(search(client, accented, page=2)) == titles(search(client, plain, page=2))
    facets = [page.select_one("#catalog-form aside").get_text() for page in (first, second)]
    assert facets[0] == facets[1]


def test_accents_and_languages_never_matter(client):
    """On every backend (SQLite folds accents itself): Spanish titles are searched,
    with or without their accents, and an English listing is found by its topic's
    Spanish name."""
    factories.EventFactory(
        title="Math talks in the upper grades",
        title_es="Conversaciones de matemáticas",
        summary_es="Enseñanza de las matemáticas en sexto grado.",
    )
    early = factories.TopicFactory(name="Early literacy", name_es="Lectoescritura temprana")
    factories.EventFactory(title="Read-aloud routines", topics=[early])
    factories.EventFactory(title="Robotics club")

    for q in ("matemáticas", "Matematicas", "MATEMÁTICAS", "conversaciones"):
        assert titles(search(client, q)) == ["Math talks in the upper grades"], q
    for q in ("lectoescritura", "Lectoescritúra", "early literacy"):
        assert titles(search(client, q)) == ["Read-aloud routines"], q
    assert titles(search(client, "ensenanza")) == ["Math talks in the upper grades"]


@pytest.mark.postgres
def test_a_typo_in_a_spanish_title_still_finds_it(client):
    factories.EventFactory(title="Family science nights", title_es="Noches de ciencias en familia")
    factories.EventFactory(title="Robotics club")
    assert titles(search(client, "noches de siencias")) == ["Family science nights"]


@pytest.mark.postgres
def test_the_catalogs_search_sql_uses_the_gin_index(client, demo_catalog):
    """EXPLAIN of the SQL the catalog actually runs for a search (the facet counts and
    the page): the full-text condition is answered from the GIN index on the search
    vector. With a few hundred rows the planner would rather check each listed event
    by primary key, so sequential scans, plain index scans (reading a whole index) and
    nested loops are forbidden for the transaction: a plan is then only found if an
    index can answer the search condition itself."""
    with CaptureQueriesContext(connection) as captured:
        page = search(client, "lectoescritura")
    assert titles(page)
    searches = [q["sql"] for q in captured.captured_queries if "@@" in q["sql"]]
    assert len(searches) == 2, searches  # the facet counts and the page
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ANALYZE events_event")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        for sql in searches:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Bitmap Index Scan on event_search_vector_gin" in plan, plan


def suggestions(client, q: str) -> list[tuple[str, str]]:
    response = client.get(reverse("events:suggest"), {"q": q})
    assert response.status_code == 200
    return [(s["type"], s["label"]) for s in response.json()["suggestions"]]


def test_suggestions_as_you_type(client):
    """Topics, providers and listed titles containing what was typed, accents and case
    ignored, in the reader's language; nothing for a single letter; drafts never."""
    early = factories.TopicFactory(name="Early literacy", name_es="Lectoescritura temprana")
    factories.EventFactory(
        title="Literacy nights for families",
        title_es="Noches de lectoescritura en familia",
        provider=factories.ProviderFactory(name="Literacy Connects"),
        topics=[early],
    )
    factories.EventFactory(title="Literacy draft", status=Event.Status.DRAFT)

    found = suggestions(client, "litera")
    assert ("topic", "Early literacy") in found
    assert ("provider", "Literacy Connects") in found
    assert ("title", "Literacy nights for families") in found
    assert all(label != "Literacy draft" for _kind, label in found)
    assert suggestions(client, "l") == []
    assert suggestions(client, "zzzz") == []

    client.cookies["django_language"] = "es"
    found = suggestions(client, "lectoescritúra")
    assert ("topic", "Lectoescritura temprana") in found
    assert ("title", "Noches de lectoescritura en familia") in found


def test_suggested_titles_follow_what_is_listed(client):
    """Titles come from the distinct titles of listed events (ListedTitle): an edited
    title is suggested at once; a title no longer listed leaves at the next refresh
    (Celery beat, every minute), and listings sharing a title are suggested once."""
    event = factories.EventFactory(title="Robotics for beginners")
    factories.EventFactory(title="Robotics for beginners", slug="robotics-again")
    assert [label for kind, label in suggestions(client, "robo") if kind == "title"] == [
        "Robotics for beginners"
    ]
    event.title = "Robotics clubs"
    event.save()
    services.event_saved(event=event)
    assert ("title", "Robotics clubs") in suggestions(client, "robo")

    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    refresh_next_sessions()
    found = suggestions(client, "robo")
    assert ("title", "Robotics clubs") not in found
    assert ("title", "Robotics for beginners") in found
    assert ListedTitle.objects.filter(title__startswith="Robotics").count() == 1


def test_the_search_box_offers_suggestions_only_with_javascript(client):
    """The box names the endpoint; the datalist is added by the script, so without it
    the form is a plain search field."""
    page = BeautifulSoup(client.get(CATALOG).content.decode(), "html.parser")
    box = page.find("input", {"name": "q"})
    assert box["data-suggest-url"] == reverse("events:suggest")
    assert not box.has_attr("list")
    assert page.find("script", src=lambda src: src and "catalog-suggest" in src)
