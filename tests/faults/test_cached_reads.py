"""Cached reads (catalog facet counts, the provider directory): fewer queries on a hit,
and never stale: publishing, cancelling or editing shows on the very next request."""

import pytest
from bs4 import BeautifulSoup
from django.test import override_settings

from events import services
from events.models import Event
from providers.models import Provider
from tests import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("cached_reads"),
]

CATALOG_MISS = 3  # every facet count and the total (one query), the page, grade bands
CATALOG_HIT = 2  # the page and its grade bands
PAGE_HIT = 0  # the whole catalog body from the page cache
DIRECTORY_MISS = 3  # the providers (a list: no separate count) and the two facets
DIRECTORY_HIT = 0


@pytest.fixture
def cached_reads():
    with override_settings(CACHED_READS={"catalog_facets": 60, "provider_directory": 300}):
        yield


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def facet_count(response, name: str, value: str) -> int:
    field = soup(response).find("input", {"name": name, "value": value})
    label = soup(response).find("label", {"for": field["id"]})
    return int(label.find(class_="facet-count").get_text(strip=True).strip("()"))


def total_text(response) -> str:
    return soup(response).get_text(" ", strip=True)


@pytest.mark.parametrize("events", [1, 30])
def test_catalog_facets_are_counted_once_then_served_from_the_cache(
    client, django_assert_num_queries, events
):
    """The counting query runs on the first request only, for one event as for
    thirty; the page of events is always fresh."""
    topic = factories.TopicFactory(name="STEM")
    for _ in range(events):
        factories.EventFactory(kind=Event.Kind.WEBINAR, topics=[topic])
    with django_assert_num_queries(CATALOG_MISS):
        first = client.get("/events/", {"kind": "webinar"})
    with django_assert_num_queries(CATALOG_HIT):
        second = client.get("/events/", {"kind": "webinar"})
    assert facet_count(first, "kind", "webinar") == facet_count(second, "kind", "webinar")
    assert facet_count(second, "kind", "webinar") == events
    # Other filters are other entries.
    with django_assert_num_queries(CATALOG_MISS):
        client.get("/events/", {"format": "virtual"})


def test_catalog_counts_change_on_the_next_request_after_a_publish_or_cancel(client):
    webinar = factories.EventFactory(kind=Event.Kind.WEBINAR)
    assert facet_count(client.get("/events/"), "kind", "webinar") == 1

    factories.EventFactory(kind=Event.Kind.WEBINAR)  # a provider's listing is published
    assert facet_count(client.get("/events/"), "kind", "webinar") == 2

    services.event_cancel(event=webinar)
    assert facet_count(client.get("/events/"), "kind", "webinar") == 1


def test_catalog_counts_follow_topic_changes(client):
    stem = factories.TopicFactory(name="STEM")
    event = factories.EventFactory()

    def topic_labels(page) -> list[str]:
        return [
            page.find("label", attrs={"for": box["id"]}).get_text(" ", strip=True)
            for box in page.select("input[name=topic]")
        ]

    assert topic_labels(soup(client.get("/events/"))) == []

    event.topics.add(stem)
    assert topic_labels(soup(client.get("/events/"))) == ["STEM (1)"]


def test_catalog_cache_is_per_language(client):
    factories.EventFactory(kind=Event.Kind.WEBINAR)
    english = client.get("/events/")
    spanish = client.get("/events/", headers={"accept-language": "es"})
    assert soup(english).html["lang"] == "en" and soup(spanish).html["lang"] == "es"
    assert facet_count(spanish, "kind", "webinar") == 1


@pytest.mark.parametrize("providers", [1, 30])
def test_directory_is_served_from_the_cache(client, django_assert_num_queries, providers):
    for _ in range(providers):
        factories.EventFactory(provider=factories.ProviderFactory())
    with django_assert_num_queries(DIRECTORY_MISS):
        first = client.get("/providers/")
    with django_assert_num_queries(DIRECTORY_HIT):
        second = client.get("/providers/")
    names = [h.get_text(strip=True) for h in soup(second).select(".provider-card h3")]
    assert len(names) == min(providers, 24)
    assert names == [h.get_text(strip=True) for h in soup(first).select(".provider-card h3")]


def test_directory_shows_a_new_or_renamed_provider_at_once(client):
    provider = factories.ProviderFactory(name="Ben's Bells Project")

    def names():
        cards = soup(client.get("/providers/")).select(".provider-card h3")
        return [h.get_text(strip=True) for h in cards]

    assert names() == ["Ben's Bells Project"]

    factories.ProviderFactory(name="Arizona Science Center")
    assert sorted(names()) == ["Arizona Science Center", "Ben's Bells Project"]

    provider.name = "Ben’s Bells"
    provider.save()
    assert "Ben’s Bells" in names()


def test_directory_listing_counts_follow_new_events(client):
    provider = factories.ProviderFactory(name="Ben's Bells Project")
    factories.EventFactory(provider=provider)
    first = total_text(client.get("/providers/"))
    factories.EventFactory(provider=provider)
    second = total_text(client.get("/providers/"))
    assert first != second


def test_directory_filters_are_cached_apart(client):
    factories.ProviderFactory(name="Ben's Bells Project", kind=Provider.Kind.NONPROFIT)
    factories.ProviderFactory(name="University Early Learning Lab", kind=Provider.Kind.UNIVERSITY)

    def names(**params):
        cards = soup(client.get("/providers/", params)).select(".provider-card h3")
        return sorted(h.get_text(strip=True) for h in cards)

    assert names() == ["Ben's Bells Project", "University Early Learning Lab"]
    assert names(kind="university") == ["University Early Learning Lab"]
    assert names(kind="nonprofit") == ["Ben's Bells Project"]
    assert names(q="bells") == ["Ben's Bells Project"]


# --- The rendered catalog body ------------------------------------------------------


@pytest.fixture
def page_cache(cached_reads):  # inside the module's settings, not under them
    with override_settings(
        CACHED_READS={"catalog_facets": 60, "catalog_page": 10, "provider_directory": 300}
    ):
        yield


@pytest.mark.usefixtures("page_cache")
@pytest.mark.parametrize("events", [1, 30])
def test_a_repeated_catalog_query_is_served_without_touching_the_database(
    client, django_assert_num_queries, events
):
    for _ in range(events):
        factories.EventFactory(kind=Event.Kind.WEBINAR, title=f"Webinar {_}")
    with django_assert_num_queries(CATALOG_MISS):
        first = client.get("/events/", {"kind": "webinar"})
    with django_assert_num_queries(PAGE_HIT):
        second = client.get("/events/", {"kind": "webinar"})
    assert str(soup(second).main) == str(soup(first).main)
    with django_assert_num_queries(CATALOG_HIT):  # another page: facets still cached
        client.get("/events/", {"kind": "webinar", "sort": "title"})


@pytest.mark.usefixtures("page_cache")
def test_the_cached_catalog_shows_a_new_listing_on_the_next_request(client):
    factories.EventFactory(title="Calm Classrooms")
    assert "Calm Classrooms" in total_text(client.get("/events/"))
    factories.EventFactory(title="Bilingual Math Talks")  # published by a coordinator
    page = total_text(client.get("/events/"))
    assert "Calm Classrooms" in page and "Bilingual Math Talks" in page


@pytest.mark.usefixtures("page_cache")
def test_the_cached_catalog_is_per_language_and_keeps_the_header_personal(client):
    factories.EventFactory(title="Calm Classrooms", title_es="Aulas tranquilas")
    assert "Calm Classrooms" in total_text(client.get("/events/"))
    spanish = client.get("/events/", headers={"accept-language": "es"})
    assert "Aulas tranquilas" in total_text(spanish)
    educator = factories.EducatorFactory(first_name="Rosa")
    client.force_login(educator)
    signed_in = client.get("/events/")
    assert "Calm Classrooms" in total_text(signed_in)
    assert soup(signed_in).find("a", href="/accounts/login/") is None  # their own header
