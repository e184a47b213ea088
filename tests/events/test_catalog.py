"""The public catalog /events/: search, facets with counts, sorting, pages, shareable
URLs and the empty state, read the way a visitor sees them."""

import datetime
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from tests import factories
from tests.factories import in_days
from trec.accounts.models import GradeBand

CATALOG = reverse("events:catalog")
CATALOG_QUERIES = 3  # every facet count and the total, the page, its grade bands

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def titles(response) -> list[str]:
    """The result titles, in page order."""
    return [
        a.get_text(strip=True) for a in soup(response).select(".event-list .event-card-title a")
    ]


def facet_counts(response, legend: str) -> dict[str, int]:
    """{"Webinar": 2, ...} from the facet group whose legend (or label) is `legend`."""
    page = soup(response)
    group = next(
        (
            fieldset
            for fieldset in page.select("fieldset.filter-group")
            if fieldset.legend.get_text(strip=True) == legend
        ),
        None,
    )
    if group is not None:
        texts = [label.get_text(" ", strip=True) for label in group.select(".facet-option label")]
    else:  # a <select> facet
        select = page.find("select", id=page.find("label", string=legend)["for"])
        texts = [option.get_text(strip=True) for option in select.find_all("option")]
    counts = {}
    for text in texts:
        match = re.fullmatch(r"(.+?) \((\d+)\)", text)
        if match:
            counts[match.group(1)] = int(match.group(2))
    return counts


def results_heading(response) -> str:
    return soup(response).find(id="results-heading").get_text(strip=True)


def chips(response) -> dict[str, str]:
    """Active filter chips: {label: href that removes it}."""
    return {a.find("span").get_text(strip=True): a["href"] for a in soup(response).select("a.chip")}


@pytest.fixture
def bands():
    return {band.code: band for band in GradeBand.objects.all()}


@pytest.fixture
def catalog(bands):
    """A small, varied catalog plus listings the public must never see."""
    literacy = factories.TopicFactory(name="Early literacy")
    wellness = factories.TopicFactory(name="Educator wellness")
    ben = factories.ProviderFactory(name="Ben's Bells")
    echo = factories.ProviderFactory(name="Project ECHO")
    events = {
        "phonics": factories.EventFactory(
            title="Phonics for K-2 teachers",
            provider=echo,
            kind=Event.Kind.WEBINAR,
            format=Event.Format.VIRTUAL,
            grade_bands=[bands["k-2"], bands["3-5"]],
            topics=[literacy, wellness],
            sessions=[(in_days(3), in_days(3, 18))],
            pd_hours=Decimal("2"),
        ),
        "kindness": factories.EventFactory(
            title="Kindness in the classroom",
            provider=ben,
            kind=Event.Kind.EVENT,
            format=Event.Format.IN_PERSON,
            grade_bands=[bands["6-8"]],
            topics=[wellness],
            cost=Decimal("25"),
            language=Event.Language.SPANISH,
            sessions=[(in_days(10), in_days(10, 18))],
            pd_hours=Decimal("6"),
        ),
        "program": factories.EventFactory(
            title="New teacher mentoring program",
            provider=echo,
            kind=Event.Kind.PROGRAM,
            format=Event.Format.HYBRID,
            grade_bands=[bands["9-12"]],
            sessions=[(in_days(20), in_days(20, 18)), (in_days(80), in_days(80, 18))],
            pd_hours=Decimal("12"),
        ),
        "toolkit": factories.EventFactory(
            title="Read-aloud toolkit",
            provider=ben,
            kind=Event.Kind.ON_DEMAND,
            topics=[literacy],
            sessions=[],
            pd_hours=Decimal("1"),
        ),
    }
    # Never listed: a draft, a submitted listing, a cancelled one and one that is over.
    factories.EventFactory(title="Draft workshop", status=Event.Status.DRAFT)
    factories.EventFactory(title="Under review", status=Event.Status.SUBMITTED)
    factories.EventFactory(title="Called off", status=Event.Status.CANCELLED)
    factories.EventFactory(title="Last month", sessions=[(in_days(-30), in_days(-30, 18))])
    return events


def get(client, **params):
    return client.get(CATALOG, params)


def test_catalog_lists_only_published_upcoming_events_soonest_first(client, catalog):
    response = get(client)
    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text(strip=True) == "Find professional learning"
    # Dated events by their first session; on-demand resources (no date) last.
    assert titles(response) == [
        "Phonics for K-2 teachers",
        "Kindness in the classroom",
        "New teacher mentoring program",
        "Read-aloud toolkit",
    ]
    assert results_heading(response) == "4 results"


def test_a_result_card_shows_what_an_educator_decides_on(client, catalog):
    event = catalog["kindness"]
    event.capacity = 3
    event.save()
    factories.RegistrationFactory.create_batch(2, event=event)
    card = soup(get(client, q="Kindness")).select_one(".event-card")
    text = card.get_text(" ", strip=True)
    assert card.find("a")["href"] == event.get_absolute_url()
    assert "by Ben's Bells" in text
    assert [badge.get_text(strip=True) for badge in card.select(".badge")] == [
        "Event",
        "In person",
    ]
    start = timezone.localtime(in_days(10))
    assert f"{start:%a, %b} {start.day}, {start.year} · 4:00 PM MST" in text
    assert "Cost $25" in text
    assert "PD hours 6" in text
    assert "Seats 1 seat left" in text
    assert "Language Spanish" in text
    assert "Grades 6–8" in text

    toolkit = soup(get(client, q="Read-aloud")).select_one(".event-card").get_text(" ", strip=True)
    assert "When On demand" in toolkit and "Cost Free" in toolkit
    assert "Seats" not in toolkit  # unlimited


def test_a_full_card_says_waiting_list_or_full(client, catalog):
    hub_event = catalog["phonics"]
    hub_event.capacity = 1
    hub_event.save()
    factories.RegistrationFactory(event=hub_event)
    external = factories.EventFactory(
        title="Elsewhere",
        capacity=1,
        registration_mode=Event.RegistrationMode.EXTERNAL,
        external_registration_url="https://example.org/register",
    )
    factories.RegistrationFactory(event=external)
    assert "Seats Waiting list" in soup(get(client, q="Phonics")).get_text(" ", strip=True)
    assert "Seats Full" in soup(get(client, q="Elsewhere")).get_text(" ", strip=True)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "webinar"}, ["Phonics for K-2 teachers"]),
        ({"kind": "on_demand"}, ["Read-aloud toolkit"]),
        ({"format": "in_person"}, ["Kindness in the classroom"]),
        ({"format": "hybrid"}, ["New teacher mentoring program"]),
        ({"grade": "k-2"}, ["Phonics for K-2 teachers"]),
        ({"grade": "6-8"}, ["Kindness in the classroom"]),
        ({"topic": "early-literacy"}, ["Phonics for K-2 teachers", "Read-aloud toolkit"]),
        ({"provider": "bens-bells"}, ["Kindness in the classroom", "Read-aloud toolkit"]),
        (
            {"cost": "free"},
            ["Phonics for K-2 teachers", "New teacher mentoring program", "Read-aloud toolkit"],
        ),
        ({"language": "es"}, ["Kindness in the classroom"]),
        ({"min_hours": "6"}, ["Kindness in the classroom", "New teacher mentoring program"]),
        ({"q": "toolkit"}, ["Read-aloud toolkit"]),
    ],
)
def test_each_filter_narrows_the_results(client, catalog, params, expected):
    assert titles(get(client, **params)) == expected


def test_many_to_many_filters_never_repeat_an_event(client, catalog, bands):
    # Phonics has two grade bands and two topics: still one row, one count.
    response = get(client, topic="educator-wellness")
    assert titles(response) == ["Phonics for K-2 teachers", "Kindness in the classroom"]
    assert results_heading(response) == "2 results"
    assert facet_counts(response, "Grade band") == {
        "Birth–pre-K": 0,
        "K–2": 1,
        "3–5": 1,
        "6–8": 1,
        "9–12": 0,
    }
    assert titles(get(client, grade="3-5", topic="early-literacy")) == ["Phonics for K-2 teachers"]


def test_date_range_matches_events_whose_next_session_is_in_it(client, catalog):
    """Dates filter on the next session (the date a card shows): a series is found by
    the session still to come, not by a later one."""

    def in_range(first, last):
        start, end = timezone.localdate(in_days(first)), timezone.localdate(in_days(last))
        return titles(get(client, start=start.isoformat(), end=end.isoformat()))

    assert in_range(2, 11) == ["Phonics for K-2 teachers", "Kindness in the classroom"]
    assert in_range(10, 10) == ["Kindness in the classroom"]
    # The program meets on day 20 and day 80: its card says day 20, so a range around
    # day 80 (or between the two) does not list it; one around day 20 does.
    assert in_range(30, 60) == []
    assert in_range(75, 85) == []
    assert in_range(19, 21) == ["New teacher mentoring program"]
    # An open-ended range: from a date on. On-demand resources have no dates.
    start = timezone.localdate(in_days(15)).isoformat()
    assert titles(get(client, start=start)) == ["New teacher mentoring program"]
    end = timezone.localdate(in_days(5)).isoformat()
    assert titles(get(client, end=end)) == ["Phonics for K-2 teachers"]


def test_several_grade_bands_and_topics_widen_and_keep_disjunctive_counts(client, catalog):
    response = client.get(CATALOG + "?grade=k-2&grade=6-8")
    assert titles(response) == ["Phonics for K-2 teachers", "Kindness in the classroom"]
    # The grade counts ignore the grade filter itself: each says what ticking it adds.
    assert facet_counts(response, "Grade band") == {
        "Birth–pre-K": 0,
        "K–2": 1,
        "3–5": 1,
        "6–8": 1,
        "9–12": 1,
    }
    ticked = soup(response).select("input[name=grade][checked]")
    assert [box["value"] for box in ticked] == ["k-2", "6-8"]
    # The other groups count within both bands' events.
    assert facet_counts(response, "Kind") == {
        "Event": 1,
        "Webinar": 1,
        "Program": 0,
        "On-demand resource": 0,
    }
    # One chip per band; removing one keeps the other.
    active = chips(response)
    assert set(active) == {"Grade band: K–2", "Grade band: 6–8"}
    assert titles(client.get(active["Grade band: K–2"])) == ["Kindness in the classroom"]

    response = client.get(CATALOG + "?topic=early-literacy&topic=educator-wellness&kind=event")
    assert titles(response) == ["Kindness in the classroom"]
    assert facet_counts(response, "Topic") == {"Early literacy": 0, "Educator wellness": 1}
    # Unknown or malformed values are ignored; the results count says what is shown.
    response = client.get(CATALOG + "?grade=k-2&grade=Not+a+slug!&grade=k-2")
    assert titles(response) == ["Phonics for K-2 teachers"]
    assert results_heading(response) == "1 result"


def test_combined_filters(client, catalog):
    assert titles(get(client, provider="project-echo", cost="free", min_hours="3")) == [
        "New teacher mentoring program"
    ]
    assert titles(get(client, topic="educator-wellness", format="virtual")) == [
        "Phonics for K-2 teachers"
    ]
    assert titles(get(client, q="teacher", kind="program")) == ["New teacher mentoring program"]


def test_facet_counts_follow_the_current_results(client, catalog):
    response = get(client)
    assert facet_counts(response, "Kind") == {
        "Event": 1,
        "Webinar": 1,
        "Program": 1,
        "On-demand resource": 1,
    }
    assert facet_counts(response, "Format") == {"In person": 1, "Virtual": 2, "Hybrid": 1}
    assert facet_counts(response, "Language") == {
        "English": 3,
        "Spanish": 1,
        "English and Spanish": 0,
    }
    assert facet_counts(response, "Cost") == {"Free only": 3}
    assert facet_counts(response, "Topic") == {"Early literacy": 2, "Educator wellness": 2}
    assert facet_counts(response, "Provider") == {"Ben's Bells": 2, "Project ECHO": 2}

    # Filtered by provider, every other group counts within Ben's Bells' events only.
    response = get(client, provider="bens-bells")
    assert facet_counts(response, "Kind") == {
        "Event": 1,
        "Webinar": 0,
        "Program": 0,
        "On-demand resource": 1,
    }
    assert facet_counts(response, "Cost") == {"Free only": 1}
    assert facet_counts(response, "Topic") == {"Early literacy": 1, "Educator wellness": 1}
    assert facet_counts(response, "Grade band")["6–8"] == 1
    assert facet_counts(response, "Grade band")["K–2"] == 0


def test_a_chosen_facet_still_counts_its_alternatives(client, catalog):
    """Choosing a kind keeps the other kinds' counts (within the other filters), so
    "Program (1)" still means "switch to Program and you get 1"."""
    response = get(client, kind="webinar", provider="project-echo")
    assert titles(response) == ["Phonics for K-2 teachers"]
    assert facet_counts(response, "Kind") == {
        "Event": 0,
        "Webinar": 1,
        "Program": 1,
        "On-demand resource": 0,
    }
    checked = soup(response).find("input", {"name": "kind", "checked": True})
    assert checked["value"] == "webinar"
    assert facet_counts(response, "Provider") == {"Project ECHO": 1}


def test_sort_orders(client, catalog):
    newest_first = [catalog[name] for name in ("toolkit", "program", "kindness", "phonics")]
    for age, event in enumerate(newest_first):
        Event.objects.filter(pk=event.pk).update(
            published_at=timezone.now() - datetime.timedelta(days=age)
        )
    assert titles(get(client, sort="newest")) == [event.title for event in newest_first]
    assert titles(get(client, sort="soonest"))[0] == "Phonics for K-2 teachers"

    # Relevance needs a search; without one the catalog keeps its default order.
    assert titles(get(client, sort="relevance")) == titles(get(client))
    links = soup(get(client, q="teacher")).select(".sort-links a")
    assert [a.get_text(strip=True) for a in links] == [
        "Soonest first",
        "Newest listings",
        "Best match",
    ]
    assert [a.get_text(strip=True) for a in links if a.get("aria-current")] == ["Best match"]
    assert "q=teacher" in links[0]["href"] and "sort=soonest" in links[0]["href"]


def test_pagination_twenty_a_page(client):
    for day in range(21):
        factories.EventFactory(
            title=f"Workshop day {day + 1:02d}", sessions=[(in_days(day + 1), in_days(day + 1, 18))]
        )
    first = get(client, kind="event")
    assert len(titles(first)) == 20
    assert results_heading(first) == "21 results"
    nav = soup(first).find("nav", attrs={"aria-label": "Pages of results"})
    assert nav.find("a", attrs={"aria-current": "page"}).get_text(" ", strip=True) == "Page 1"
    next_link = nav.find("a", rel="next")
    assert parse_qs(urlsplit(next_link["href"]).query) == {"kind": ["event"], "page": ["2"]}

    second = client.get(CATALOG + next_link["href"])
    assert titles(second) == ["Workshop day 21"]
    nav = soup(second).find("nav", attrs={"aria-label": "Pages of results"})
    assert nav.find("a", attrs={"aria-current": "page"}).get_text(" ", strip=True) == "Page 2"
    assert nav.find("a", rel="prev") and not nav.find("a", rel="next")
    assert "Showing 21–21 of 21" in soup(second).get_text()
    # Past the end: the last page, not an error.
    assert titles(get(client, page="99")) == ["Workshop day 21"]


def test_empty_state_names_the_filters_and_offers_to_remove_them(client, catalog):
    response = get(client, q="phonics", kind="program", cost="free")
    assert titles(response) == []
    empty = soup(response).select_one(".empty-results")
    text = empty.get_text(" ", strip=True)
    assert "No events match your search and filters." in text
    assert "Search: ‘phonics’" in text and "Kind: Program" in text and "Free only" in text
    removals = {a.get_text(strip=True): a["href"] for a in empty.find_all("a")}
    remove_kind = removals["Remove “Kind: Program”"]
    assert parse_qs(urlsplit(remove_kind).query) == {"q": ["phonics"], "cost": ["free"]}
    assert titles(client.get(remove_kind)) == ["Phonics for K-2 teachers"]
    assert removals["Start again with the whole catalog"] == CATALOG


def test_empty_catalog_says_so_honestly(client):
    response = get(client)
    assert "No events are listed right now" in soup(response).get_text()


def test_filter_form_round_trips_to_a_short_shareable_url(client, catalog):
    """The form sends every field; the catalog redirects to the URL of just the chosen
    ones, which reproduces the same page for anyone it is shared with."""
    submitted = {
        "q": "",
        "kind": "",
        "format": "virtual",
        "grade": "",
        "topic": "educator-wellness",
        "provider": "",
        "start": "",
        "end": "",
        "language": "",
        "min_hours": "",
    }
    response = get(client, **submitted)
    assert response.status_code == 302
    url = response["Location"]
    assert parse_qs(urlsplit(url).query) == {"format": ["virtual"], "topic": ["educator-wellness"]}

    shared = client.get(url)
    assert titles(shared) == ["Phonics for K-2 teachers"]
    page = soup(shared)
    assert page.find("input", {"name": "format", "value": "virtual"}).has_attr("checked")
    ticked = page.select("input[name=topic][checked]")
    assert [box["value"] for box in ticked] == ["educator-wellness"]
    active = chips(shared)
    assert set(active) == {"Format: Virtual", "Topic: Educator wellness"}
    assert parse_qs(urlsplit(active["Topic: Educator wellness"]).query) == {"format": ["virtual"]}
    assert len(titles(client.get(active["Topic: Educator wellness"]))) == 2


def test_form_controls_are_labelled_and_grouped(client, catalog):
    page = soup(get(client))
    assert len(page.find_all("h1")) == 1
    form = page.find("form", id="catalog-form")
    assert form["method"] == "get"
    for field in form.select("input:not([type=hidden]), select"):
        assert page.find("label", attrs={"for": field["id"]}), field
    legends = [legend.get_text(strip=True) for legend in form.find_all("legend")]
    assert legends == ["Kind", "Format", "Grade band", "Topic", "Cost", "Dates", "Language"]
    assert page.find(attrs={"role": "search"})


def test_every_active_filter_is_a_removable_chip(client, catalog):
    start, end = timezone.localdate(in_days(1)), timezone.localdate(in_days(60))
    response = get(
        client,
        q="teacher",
        kind="program",
        format="hybrid",
        grade="9-12",
        provider="project-echo",
        language="en",
        cost="free",
        start=start.isoformat(),
        end=end.isoformat(),
        min_hours="1.50",
    )
    assert titles(response) == ["New teacher mentoring program"]
    active = chips(response)
    assert list(active) == [
        "Search: ‘teacher’",
        "Kind: Program",
        "Format: Hybrid",
        "Grade band: 9–12",
        "Provider: Project ECHO",
        "Language: English",
        "Free only",
        f"From {start:%b} {start.day}, {start.year}",
        f"Until {end:%b} {end.day}, {end.year}",
        "At least 1.5 PD hours",
    ]
    for label, href in active.items():
        assert "page=" not in href
        assert client.get(href).status_code == 200, label


def test_bad_values_are_ignored_or_explained(client, catalog):
    assert len(titles(get(client, kind="conference", grade="Not a slug!"))) == 4
    response = get(client, start="2026-12-20", end="2026-12-01")
    assert "The end date is before the start date." in soup(response).get_text()
    assert soup(response).find("input", {"name": "end"})["aria-invalid"] == "true"


def test_catalog_query_count_is_fixed(client, django_assert_num_queries, bands):
    """Guards against an N+1 per card (provider, seats, grade bands) and per facet value:
    the same queries for one event as for fifty."""
    topic = factories.TopicFactory(name="STEM")
    factories.EventFactory(capacity=10, grade_bands=[bands["k-2"]], topics=[topic])
    with django_assert_num_queries(CATALOG_QUERIES):
        assert len(titles(get(client))) == 1
    for _ in range(49):
        factories.EventFactory(
            capacity=10,
            provider=factories.ProviderFactory(),
            grade_bands=[bands["k-2"], bands["3-5"]],
            topics=[topic],
        )
    with django_assert_num_queries(CATALOG_QUERIES):
        assert len(titles(get(client, grade="k-2", topic="stem", q="Workshop"))) == 20


def test_nothing_found_costs_the_counting_query_alone(client, django_assert_num_queries):
    factories.EventFactory(title="Robots")
    with django_assert_num_queries(1):
        assert titles(get(client, kind="program")) == []


def test_a_page_lists_the_same_whether_the_matches_were_counted_by_id_or_not(
    client, monkeypatch, bands
):
    """Up to MAX_PAGES pages of matches, the counting query returns their ids and the
    page query ranks and sorts those alone; past that, it filters and sorts on the
    indexes. Both give the same page."""
    for number in range(25):
        factories.EventFactory(
            title=f"Workshop {number:02d} literacy" if number % 3 else f"Literacy {number:02d}",
            kind="webinar" if number % 2 else "event",
            grade_bands=[bands["k-2"]] if number % 4 else [bands["3-5"]],
            sessions=[(in_days(30 - number), in_days(30 - number, 18))],
            published_at=timezone.now() - datetime.timedelta(days=number),
        )
    queries = [{}, {"sort": "newest"}, {"q": "literacy"}, {"q": "literacy", "sort": "soonest"}]
    queries += [{"grade": "k-2", "kind": "webinar"}, {"q": "workshop", "grade": "k-2"}]
    by_id = [titles(get(client, **params)) for params in queries]
    monkeypatch.setattr("events.catalog.MAX_PAGES", 1)  # 20 matches at most by id
    assert [titles(get(client, **params)) for params in queries] == by_id
    assert all(by_id)


def test_home_page_shows_what_is_on_this_month(client):
    now = timezone.now()
    happening = factories.EventFactory(
        title="Happening now",
        sessions=[(now - datetime.timedelta(hours=1), now + datetime.timedelta(hours=1))],
    )
    factories.EventFactory(title="Next month or later", sessions=[(in_days(40), in_days(40, 18))])
    factories.EventFactory(title="Not published", status=Event.Status.DRAFT)
    page = soup(client.get("/"))
    section = page.find("section", attrs={"aria-labelledby": "whats-on"})
    listed = [a.get_text(strip=True) for a in section.select(".event-card-title a")]
    assert listed == [happening.title]


def test_pages_stop_at_the_cap_and_say_so(client, monkeypatch):
    """Deep pages cost the rows before them: the catalog pages through the first
    MAX_PAGES pages and asks for narrower filters beyond."""
    monkeypatch.setattr("events.catalog.MAX_PAGES", 1)
    for day in range(21):
        factories.EventFactory(
            title=f"Workshop day {day + 1:02d}", sessions=[(in_days(day + 1), in_days(day + 1, 18))]
        )
    response = get(client, page="2")
    assert results_heading(response) == "21 results"
    assert titles(response)[0] == "Workshop day 01"  # page 2 is past the cap: page 1
    assert len(titles(response)) == 20
    text = soup(response).get_text(" ", strip=True)
    assert "These are the first 20 results. Narrow the search or the filters" in text
    assert soup(response).find("nav", attrs={"aria-label": "Pages of results"}) is None
