"""The public provider directory: search, kind and topic filters with counts,
partners first, listing counts, pagination and an honest empty state."""

import pytest
from django.urls import reverse

from events.models import Event
from providers.models import Provider
from tests import factories
from tests.factories import in_days

from .utils import soup

URL = "/providers/"


def card_names(page) -> list[str]:
    return [h.get_text(strip=True) for h in page.select(".provider-card h3")]


def card(page, name):
    for item in page.select(".provider-card"):
        if item.h3.get_text(strip=True) == name:
            return item
    raise AssertionError(f"no card for {name}")


def badges(element) -> list[str]:
    """Badge texts as a screen reader hears them (decorative icons are aria-hidden)."""
    for hidden in element.select("[aria-hidden=true]"):
        hidden.decompose()
    return [badge.get_text(strip=True) for badge in element.select(".badge")]


def options(page, name) -> dict[str, str]:
    """A filter's choices as a user sees them: value → label (with its count)."""
    select = page.find("select", attrs={"name": name})
    return {o["value"]: o.get_text(strip=True) for o in select.find_all("option") if o["value"]}


def selected(page, name) -> str:
    option = page.find("select", attrs={"name": name}).find("option", selected=True)
    return option["value"] if option else ""


def test_url_names():
    assert reverse("providers:directory") == URL
    assert reverse("providers:detail", kwargs={"slug": "bens-bells"}) == "/providers/bens-bells/"


@pytest.mark.django_db
def test_partners_come_first_with_badges_and_upcoming_listing_counts(client):
    alpha = factories.ProviderFactory(name="Alpha Learning Lab")
    factories.ProviderFactory(name="Beta Teachers Circle")
    factories.ProviderFactory(name="Zeta Collaborative", is_partner=True, is_verified=True)
    factories.ProviderFactory(name="Omega Institute", is_verified=True)
    # Alpha: two upcoming events and an on-demand resource are listed...
    factories.EventFactory(provider=alpha)
    factories.EventFactory(provider=alpha, sessions=[(in_days(30), in_days(30, hour=18))])
    factories.EventFactory(provider=alpha, kind=Event.Kind.ON_DEMAND, sessions=[])
    # ...a draft, a cancelled and a past event are not.
    factories.EventFactory(provider=alpha, status=Event.Status.DRAFT)
    factories.EventFactory(provider=alpha, status=Event.Status.CANCELLED)
    factories.EventFactory(provider=alpha, sessions=[(in_days(-5), in_days(-5, hour=18))])

    page = soup(client.get(URL))

    assert page.h1.get_text(strip=True) == "Professional learning providers"
    assert page.find("h2", id="results-heading").get_text(strip=True) == "4 providers"
    assert card_names(page) == [
        "Zeta Collaborative",
        "Alpha Learning Lab",
        "Beta Teachers Circle",
        "Omega Institute",
    ]
    zeta = card(page, "Zeta Collaborative")
    assert badges(zeta) == ["TREC partner", "Verified"]
    assert badges(card(page, "Omega Institute")) == ["Verified"]
    assert badges(card(page, "Beta Teachers Circle")) == []
    assert "3 upcoming listings" in card(page, "Alpha Learning Lab").get_text(" ", strip=True)
    assert "No upcoming listings" in card(page, "Beta Teachers Circle").get_text(" ", strip=True)
    assert zeta.h3.a["href"] == "/providers/zeta-collaborative/"


@pytest.mark.django_db
def test_sort_by_name_or_by_most_listings(client):
    busy = factories.ProviderFactory(name="Busy Bees")
    factories.ProviderFactory(name="Ants Academy")
    factories.ProviderFactory(name="Cicada Partners", is_partner=True)
    factories.EventFactory(provider=busy)

    by_name = soup(client.get(URL, {"sort": "name"}))
    assert card_names(by_name) == ["Ants Academy", "Busy Bees", "Cicada Partners"]
    assert selected(by_name, "sort") == "name"

    by_listings = soup(client.get(URL, {"sort": "listings"}))
    assert card_names(by_listings) == ["Busy Bees", "Cicada Partners", "Ants Academy"]


@pytest.mark.django_db
def test_search_matches_name_or_summary_word_by_word(client):
    factories.ProviderFactory(name="Literacy Connects", summary="Volunteers in classrooms.")
    factories.ProviderFactory(name="Desert Schools Network", summary="Early literacy coaching.")
    factories.ProviderFactory(name="Math Circles", summary="Problem solving for teachers.")

    page = soup(client.get(URL, {"q": "literacy"}))
    assert sorted(card_names(page)) == ["Desert Schools Network", "Literacy Connects"]
    assert page.find("input", attrs={"name": "q"})["value"] == "literacy"

    page = soup(client.get(URL, {"q": "coaching early"}))
    assert card_names(page) == ["Desert Schools Network"]


@pytest.mark.django_db
def test_kind_and_topic_filters_show_counts_over_the_other_filters(client):
    stem = factories.TopicFactory(name="STEM", slug="stem")
    arts = factories.TopicFactory(name="Arts integration", slug="arts-integration")
    factories.TopicFactory(name="Unused topic", slug="unused-topic")
    uni = Provider.Kind.UNIVERSITY
    factories.ProviderFactory(name="Sonoran University", kind=uni).topics.set([stem, arts])
    factories.ProviderFactory(name="Saguaro College", kind=uni)
    factories.ProviderFactory(name="Science Nonprofit").topics.set([stem])
    factories.ProviderFactory(name="Reading Nonprofit")

    page = soup(client.get(URL))
    assert options(page, "kind") == {
        "nonprofit": "Nonprofit (2)",
        "university": "University or college (2)",
    }
    assert options(page, "topic") == {
        "arts-integration": "Arts integration (1)",
        "stem": "STEM (2)",
    }

    # Kind chosen: the results narrow; the kind counts still say what each kind would
    # show, and the topic counts are taken over the universities only.
    page = soup(client.get(URL, {"kind": "university"}))
    assert sorted(card_names(page)) == ["Saguaro College", "Sonoran University"]
    assert selected(page, "kind") == "university"
    assert options(page, "kind")["nonprofit"] == "Nonprofit (2)"
    assert options(page, "topic") == {
        "arts-integration": "Arts integration (1)",
        "stem": "STEM (1)",
    }

    page = soup(client.get(URL, {"topic": "stem"}))
    assert sorted(card_names(page)) == ["Science Nonprofit", "Sonoran University"]
    assert selected(page, "topic") == "stem"
    assert options(page, "kind") == {
        "nonprofit": "Nonprofit (1)",
        "university": "University or college (1)",
    }

    page = soup(client.get(URL, {"topic": "stem", "kind": "nonprofit", "q": "science"}))
    assert card_names(page) == ["Science Nonprofit"]
    assert options(page, "kind") == {"nonprofit": "Nonprofit (1)"}


@pytest.mark.django_db
def test_pages_of_24_with_accessible_navigation_that_keeps_the_filters(client):
    for n in range(30):
        factories.ProviderFactory(name=f"Provider {n:02d}")
    factories.ProviderFactory(name="A University", kind=Provider.Kind.UNIVERSITY)

    page = soup(client.get(URL, {"kind": "nonprofit"}))
    assert len(card_names(page)) == 24
    assert "Showing 1–24" in page.get_text()
    nav = page.find("nav", attrs={"aria-label": "Pages of results"})
    assert nav.find("a", attrs={"aria-current": "page"}).get_text(" ", strip=True) == "Page 1"
    next_link = nav.find("a", rel="next")
    assert next_link.get_text(" ", strip=True) == "Next page"
    assert next_link["href"] == "?kind=nonprofit&page=2"

    page = soup(client.get(URL + next_link["href"]))
    assert card_names(page) == [f"Provider {n:02d}" for n in range(24, 30)]
    assert page.title.get_text(strip=True).startswith("Providers · page 2")
    nav = page.find("nav", attrs={"aria-label": "Pages of results"})
    assert nav.find("a", rel="prev")["href"] == "?kind=nonprofit&page=1"
    assert not nav.find("a", rel="next")


@pytest.mark.django_db
def test_no_match_suggests_removing_filters(client):
    factories.ProviderFactory(name="Alpha Learning Lab")

    page = soup(client.get(URL, {"q": "astronomy", "kind": "company", "page": "2"}))

    assert page.find("h2", id="results-heading").get_text(strip=True) == "0 providers"
    assert "No providers match these filters." in page.select_one(".empty-state").get_text()
    links = {a.get_text(strip=True): a["href"] for a in page.select(".directory-empty a")}
    assert links["Clear all filters"] == URL
    assert links["Remove the search “astronomy”"] == "?kind=company"
    assert links["Show every kind, not only “Company”"] == "?q=astronomy"
    assert not page.find("nav", attrs={"aria-label": "Pages of results"})


@pytest.mark.django_db
def test_no_providers_at_all_says_so(client):
    page = soup(client.get(URL))
    assert "No providers are listed yet" in page.select_one(".empty-state").get_text()
    assert not page.select(".directory-empty")


@pytest.mark.django_db
def test_nonsense_parameters_are_ignored(client):
    factories.ProviderFactory(name="Alpha Learning Lab")
    response = client.get(URL, {"kind": "spaceship", "sort": "chaos", "page": "99"})
    assert response.status_code == 200
    assert card_names(soup(response)) == ["Alpha Learning Lab"]


@pytest.mark.django_db
def test_page_has_one_h1_and_labelled_filters(client):
    factories.ProviderFactory()
    page = soup(client.get(URL))
    assert len(page.find_all("h1")) == 1
    for field in page.select("form[role=search] input, form[role=search] select"):
        assert page.find("label", attrs={"for": field["id"]}), field["name"]


@pytest.mark.django_db
@pytest.mark.parametrize("providers", [1, 30])
def test_directory_query_count_is_fixed(client, django_assert_num_queries, providers):
    """Guards against a query per provider for its listing count (an N+1): count,
    page, kind facet and topic facet, whatever the page size and the filters."""
    topic = factories.TopicFactory(slug="stem")
    for _ in range(providers):
        provider = factories.ProviderFactory(is_verified=True)
        provider.topics.set([topic])
        factories.EventFactory(provider=provider)

    with django_assert_num_queries(4):
        response = client.get(URL)
    assert len(card_names(soup(response))) == min(providers, 24)

    with django_assert_num_queries(4):
        response = client.get(URL, {"q": "provider", "kind": "nonprofit", "topic": "stem"})
    assert len(card_names(soup(response))) == min(providers, 24)
