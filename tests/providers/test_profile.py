"""A provider's public profile: who they are, how to reach them, and what they offer —
upcoming events and on-demand resources, never drafts, cancelled or past listings."""

import pytest

from events.models import Event
from providers.models import Provider
from tests import factories
from tests.factories import in_days

from .utils import png, soup


def section(page, heading: str):
    h2 = page.find("h2", string=heading)
    assert h2 is not None, f"no section {heading!r}"
    return h2.find_parent("section")


def titles(element) -> list[str]:
    return [h.get_text(strip=True) for h in element.select("li h3")]


@pytest.mark.django_db
def test_profile_shows_who_the_provider_is_and_how_to_reach_them(client):
    district = factories.DistrictFactory(name="Sunnyside Unified School District")
    topic = factories.TopicFactory(name="Social-emotional learning", slug="sel")
    provider = factories.ProviderFactory(
        name="Ben's Bells Project",
        kind=Provider.Kind.NONPROFIT,
        summary="Kindness education for schools.",
        description="## Our work\n\nWe teach **kindness**.<script>alert('x')</script>",
        website="https://bensbells.org",
        contact_email="schools@bensbells.org",
        contact_phone="520 622 2355",
        is_partner=True,
        is_verified=True,
    )
    provider.service_area.set([district])
    provider.topics.set([topic])
    provider.logo.save("logo.png", png(), save=True)

    response = client.get(f"/providers/{provider.slug}/")

    assert response.status_code == 200
    page = soup(response)
    assert len(page.find_all("h1")) == 1
    assert page.h1.get_text(strip=True) == "Ben's Bells Project"
    assert page.title.get_text(strip=True).startswith("Ben's Bells Project")
    header = page.select_one(".provider-header")
    assert "Nonprofit" in header.get_text()
    assert "Kindness education for schools." in header.get_text()
    assert header.img["alt"] == "Ben's Bells Project"
    assert header.img["src"].startswith("/media/providers/logos/")
    assert {b.get_text(" ", strip=True) for b in header.select(".badge")} == {
        "TREC partner",
        "✓ Verified",
    }

    about = section(page, "About Ben's Bells Project")
    assert about.find("strong").get_text() == "kindness"
    assert not page.select("main script")
    assert "alert" not in about.get_text()

    contact = section(page, "Contact")
    website = contact.find("a", href="https://bensbells.org")
    assert "noopener" in website["rel"]
    assert contact.find("a", href="mailto:schools@bensbells.org")
    assert contact.find("a", href="tel:5206222355").get_text() == "520 622 2355"
    assert (
        section(page, "Service area")
        .get_text(" ", strip=True)
        .endswith("Sunnyside Unified School District")
    )
    topic_link = section(page, "Topics").find("a", string="Social-emotional learning")
    assert topic_link["href"] == "/providers/?topic=sel"


@pytest.mark.django_db
def test_profile_lists_upcoming_events_and_on_demand_resources_separately(client):
    provider = factories.ProviderFactory(name="Desert Schools Network")
    later = factories.EventFactory(
        provider=provider, title="Later webinar", kind=Event.Kind.WEBINAR,
        sessions=[(in_days(20), in_days(20, hour=17))],
    )  # fmt: skip
    sooner = factories.EventFactory(
        provider=provider, title="Sooner program", kind=Event.Kind.PROGRAM,
        sessions=[(in_days(3), in_days(3, hour=18)), (in_days(10), in_days(10, hour=18))],
    )  # fmt: skip
    video = factories.EventFactory(
        provider=provider, title="Recorded routines", kind=Event.Kind.ON_DEMAND, sessions=[]
    )
    # Not for the public: drafts, submissions, cancelled, archived and past listings,
    # an unpublished on-demand resource, and another provider's event.
    factories.EventFactory(provider=provider, title="Draft", status=Event.Status.DRAFT)
    factories.EventFactory(provider=provider, title="Submitted", status=Event.Status.SUBMITTED)
    factories.EventFactory(provider=provider, title="Cancelled", status=Event.Status.CANCELLED)
    factories.EventFactory(provider=provider, title="Archived", status=Event.Status.ARCHIVED)
    factories.EventFactory(
        provider=provider, title="Past", sessions=[(in_days(-2), in_days(-2, hour=18))]
    )
    factories.EventFactory(
        provider=provider, title="Draft video", kind=Event.Kind.ON_DEMAND, sessions=[],
        status=Event.Status.DRAFT,
    )  # fmt: skip
    factories.EventFactory(title="Someone else's event")

    page = soup(client.get(f"/providers/{provider.slug}/"))

    upcoming = section(page, "Upcoming events")
    assert titles(upcoming) == ["Sooner program", "Later webinar"]
    first = upcoming.find("li")
    assert first.h3.a["href"] == sooner.get_absolute_url()
    assert first.select_one(".cover")  # the same card as the catalog's
    when = first.select_one(".fact-when time")
    start = in_days(3)  # 4:00 PM in Arizona
    assert when["datetime"] == start.isoformat()
    assert when.get_text(strip=True) == f"{start:%a, %b} {start.day}, {start:%Y} · 4:00 PM MST"
    assert when["datetime"].endswith("-07:00")  # America/Phoenix, no daylight saving
    assert "2 sessions" in first.get_text()
    assert upcoming.find("a", href=later.get_absolute_url())

    on_demand = section(page, "On-demand resources")
    assert titles(on_demand) == ["Recorded routines"]
    assert on_demand.find("a", href=video.get_absolute_url())
    assert not on_demand.find("time")
    assert "On demand" in on_demand.select_one(".fact-when").get_text()


@pytest.mark.django_db
def test_profile_empty_states(client):
    provider = factories.ProviderFactory(name="Quiet Org", website="", contact_email="")
    page = soup(client.get(f"/providers/{provider.slug}/"))
    assert "no upcoming events listed right now" in section(page, "Upcoming events").get_text()
    assert "no on-demand resources listed yet" in section(page, "On-demand resources").get_text()
    assert "No contact details listed." in section(page, "Contact").get_text()
    assert not page.select(".provider-header img")


@pytest.mark.django_db
def test_unknown_provider_is_404(client):
    assert client.get("/providers/no-such-provider/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("events", [1, 10])
def test_profile_query_count_is_fixed(client, django_assert_num_queries, events):
    """Guards against a query per event (sessions, kind, provider): provider, its
    service area, its topics, upcoming events and on-demand resources."""
    provider = factories.ProviderFactory()
    provider.service_area.set([factories.DistrictFactory()])
    provider.topics.set([factories.TopicFactory()])
    for n in range(events):
        factories.EventFactory(
            provider=provider, sessions=[(in_days(n + 1), in_days(n + 1, hour=18))] * 2
        )
        factories.EventFactory(provider=provider, kind=Event.Kind.ON_DEMAND, sessions=[])

    with django_assert_num_queries(5):
        response = client.get(f"/providers/{provider.slug}/")
    page = soup(response)
    assert len(titles(section(page, "Upcoming events"))) == events
    assert len(titles(section(page, "On-demand resources"))) == events
