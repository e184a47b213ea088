"""On-site offerings on a provider's profile, and who may open each on-site route."""

import pytest
from django.utils import translation

from tests import factories

from .utils import soup

pytestmark = pytest.mark.django_db


def offerings_section(page):
    heading = page.find("h2", id="offerings-heading")
    return heading.find_parent("section") if heading else None


def test_profile_lists_active_offerings_with_a_request_button(client):
    provider = factories.ProviderFactory(name="TREC Collaborative")
    district = factories.DistrictFactory(name="Sunnyside Unified")
    resiliency = factories.OfferingFactory(
        provider=provider,
        title="Educator resiliency PD",
        position=2,
        durations=[("30-minute PD", 30), ("60-minute PD", 60)],
    )
    resiliency.areas_served.set([district])
    factories.OfferingFactory(
        provider=provider,
        title="Introduction to TREC Hub",
        position=1,
        durations=[("10-minute introduction to TREC Hub", 10)],
    )
    factories.OfferingFactory(provider=provider, title="Retired workshop", is_active=False)

    page = soup(client.get(provider.get_absolute_url()))

    section = offerings_section(page)
    titles = [h3.get_text() for h3 in section.select(".offering h3")]
    assert titles == ["Introduction to TREC Hub", "Educator resiliency PD"]
    resiliency_item = section.select(".offering")[1]
    lengths = [li.get_text() for li in resiliency_item.select(".offering-durations li")]
    assert lengths == ["30-minute PD", "60-minute PD"]
    assert "Sunnyside Unified" in resiliency_item.get_text()
    assert "The whole region" in section.select(".offering")[0].get_text()
    buttons = section.find_all("a", string="Request a visit")
    assert [a["href"] for a in buttons] == [
        "/providers/trec-collaborative/request/?offering=introduction-to-trec-hub",
        "/providers/trec-collaborative/request/?offering=educator-resiliency-pd",
    ]
    assert len(page.find_all("h1")) == 1


def test_a_provider_without_active_offerings_shows_no_offerings_section(client):
    provider = factories.ProviderFactory()
    factories.OfferingFactory(provider=provider, is_active=False)

    page = soup(client.get(provider.get_absolute_url()))

    assert offerings_section(page) is None
    assert not page.find("a", string="Request a visit")


def test_spanish_readers_see_the_spanish_title_when_there_is_one(client):
    offering = factories.OfferingFactory(title="Educator resiliency PD", title_es="Resiliencia")

    with translation.override("es"):
        response = client.get(offering.provider.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es")

    assert [h3.get_text() for h3 in soup(response).select(".offering h3")] == ["Resiliencia"]


@pytest.mark.parametrize("offerings", [1, 8])
def test_profile_query_count_with_offerings_is_fixed(client, django_assert_num_queries, offerings):
    """Guards against a query per offering (lengths, grade bands, areas served): the
    profile's 5 queries, then the offerings and one query for each of the three."""
    provider = factories.ProviderFactory()
    district = factories.DistrictFactory()
    for _ in range(offerings):
        offering = factories.OfferingFactory(
            provider=provider, durations=[("30 minutes", 30), ("60 minutes", 60)]
        )
        offering.areas_served.set([district])

    with django_assert_num_queries(9):
        response = client.get(provider.get_absolute_url())
    assert len(soup(response).select(".offering")) == offerings


# --- Who may open what --------------------------------------------------------------------


@pytest.fixture
def setting():
    provider_a = factories.ProviderFactory(name="Provider A")
    provider_b = factories.ProviderFactory(name="Provider B")
    offering = factories.OfferingFactory(provider=provider_a)
    session_request = factories.SessionRequestFactory(offering=offering)
    return {
        "provider_a": provider_a,
        "request": session_request,
        "users": {
            "anonymous": None,
            "educator": factories.EducatorFactory(),
            "provider_a": factories.ProviderStaffFactory(provider=provider_a),
            "provider_b": factories.ProviderStaffFactory(provider=provider_b),
            "coordinator": factories.CoordinatorFactory(),
        },
    }


#                      anonymous educator provider_a provider_b coordinator
EXPECTED = {
    "profile": (200, 200, 200, 200, 200),
    "request_form": (200, 200, 200, 200, 200),
    "status_page": (200, 200, 200, 200, 200),
    "thanks_page": (200, 200, 200, 200, 200),
    "wrong_token": (404, 404, 404, 404, 404),
    "queue": (302, 302, 200, 200, 200),
    "request_in_admin": (302, 302, 200, 404, 200),
    "offering_in_admin": (302, 302, 200, 404, 200),
}
ROLES = ["anonymous", "educator", "provider_a", "provider_b", "coordinator"]


@pytest.mark.parametrize("role", ROLES)
def test_every_on_site_route_answers_each_role_as_intended(client, setting, role):
    session_request = setting["request"]
    urls = {
        "profile": setting["provider_a"].get_absolute_url(),
        "request_form": f"/providers/{setting['provider_a'].slug}/request/",
        "status_page": session_request.status_url(),
        "thanks_page": f"{session_request.status_url()}thanks/",
        "wrong_token": "/providers/requests/guessed-token/",
        "queue": "/admin/providers/sessionrequest/",
        "request_in_admin": f"/admin/providers/sessionrequest/{session_request.pk}/change/",
        "offering_in_admin": f"/admin/providers/offering/{session_request.offering_id}/change/",
    }
    user = setting["users"][role]
    if user is not None:
        client.force_login(user)

    answers = {name: client.get(url).status_code for name, url in urls.items()}

    column = ROLES.index(role)
    assert answers == {name: row[column] for name, row in EXPECTED.items()}
