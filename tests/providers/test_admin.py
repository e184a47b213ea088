"""The provider back office: coordinators manage every provider and its staff;
provider staff edit only their own profile and never the hub's own flags."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from events.models import Event
from events.search import search_events
from providers.models import Provider, ProviderMembership
from tests import factories

from .utils import png, soup

CHANGELIST = "/admin/providers/provider/"
ADD = "/admin/providers/provider/add/"
MEMBERSHIPS = "/admin/providers/providermembership/"


def change_url(provider) -> str:
    return f"/admin/providers/provider/{provider.pk}/change/"


def form_data(response, form_id="provider_form") -> dict:
    """What the browser would post back for the admin form as it was rendered."""
    form = soup(response).find("form", id=form_id)
    data: dict = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or "__prefix__" in name:
            continue
        if field.name == "textarea":
            data[name] = field.get_text()
        elif field.name == "select":
            chosen = [o.get("value", "") for o in field.find_all("option", selected=True)]
            if field.has_attr("multiple"):
                data[name] = chosen
            else:
                data[name] = chosen[0] if chosen else ""
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif field.get("type") not in ("submit", "button", "file"):
            data[name] = field.get("value", "")
    return data


def text_file_named_like_an_image() -> SimpleUploadedFile:
    return SimpleUploadedFile("logo.png", b"Not an image at all.\n", content_type="image/png")


def changelist_names(response) -> list[str]:
    return [a.get_text(strip=True) for a in soup(response).select("#result_list .field-name a")]


def logo_errors(response) -> str:
    page = soup(response)
    row = page.select_one(".field-logo")
    return " ".join(e.get_text(" ", strip=True) for e in row.select(".errorlist"))


@pytest.fixture
def provider_a(db):
    return factories.ProviderFactory(name="Provider A Learning")


@pytest.fixture
def provider_b(db):
    return factories.ProviderFactory(name="Provider B Institute")


@pytest.fixture
def staff_a(provider_a):
    return factories.ProviderStaffFactory(provider=provider_a)


@pytest.mark.django_db
def test_coordinator_sees_every_provider_with_event_counts(
    client, coordinator, provider_a, provider_b
):
    factories.EventFactory(provider=provider_a)
    factories.EventFactory(provider=provider_a, status=Event.Status.DRAFT)
    provider_b.topics.set([factories.TopicFactory(name="STEM")])
    client.force_login(coordinator)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert changelist_names(response) == ["Provider A Learning", "Provider B Institute"]
    rows = {
        row.select_one(".field-name").get_text(strip=True): row.select_one(
            ".field-event_count"
        ).get_text(strip=True)
        for row in soup(response).select("#result_list tbody tr")
    }
    assert rows == {"Provider A Learning": "2", "Provider B Institute": "0"}
    filters = soup(response).find(id="changelist-filter").get_text(" ", strip=True)
    for heading in ("kind", "partner", "verified", "topics"):
        assert f"By {heading}" in filters


@pytest.mark.django_db
def test_coordinator_adds_a_provider_with_its_staff(client, coordinator):
    topic = factories.TopicFactory(name="STEM")
    person = factories.UserFactory(email="ana.flores@example.org", is_staff=True)
    client.force_login(coordinator)
    page = client.get(ADD)
    assert page.status_code == 200
    assert soup(page).find(id="memberships-group"), "coordinators manage the staff inline"

    data = form_data(page)
    data.update(
        {
            "name": "Sonoran STEM Alliance",
            "slug": "sonoran-stem-alliance",
            "kind": Provider.Kind.NONPROFIT,
            "summary": "Hands-on science for K–8.",
            "website": "https://sonoranstem.example.org",
            "topics": [str(topic.pk)],
            "is_partner": "on",
            "is_verified": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-user": str(person.pk),
            "memberships-0-role": ProviderMembership.Role.OWNER,
        }
    )
    response = client.post(ADD, data)

    assert response.status_code == 302, soup(response).select(".errorlist")
    provider = Provider.objects.get(slug="sonoran-stem-alliance")
    assert provider.is_partner and provider.is_verified
    assert list(provider.topics.all()) == [topic]
    assert provider.memberships.get().user == person


@pytest.mark.django_db
def test_coordinator_finds_memberships_by_email(client, coordinator, staff_a, provider_b):
    factories.ProviderStaffFactory(provider=provider_b, email="someone.else@example.org")
    client.force_login(coordinator)
    response = client.get(MEMBERSHIPS, {"q": staff_a.email})
    assert response.status_code == 200
    rows = soup(response).select("#result_list tbody tr")
    assert len(rows) == 1
    assert "Provider A Learning" in rows[0].get_text()


@pytest.mark.django_db
def test_provider_staff_see_only_their_own_provider(client, staff_a, provider_a, provider_b):
    client.force_login(staff_a)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert changelist_names(response) == ["Provider A Learning"]
    assert not soup(response).select(".object-tools .addlink"), "staff cannot add providers"
    assert client.get(CHANGELIST, {"q": "Institute"}).status_code == 200
    assert changelist_names(client.get(CHANGELIST, {"q": "Institute"})) == []


@pytest.mark.django_db
def test_provider_staff_edit_their_profile_but_not_the_hubs_flags(client, staff_a, provider_a):
    client.force_login(staff_a)
    page = client.get(change_url(provider_a))
    assert page.status_code == 200
    html = soup(page)
    for field in ("is_verified", "is_partner", "slug"):
        assert not html.find(attrs={"name": field}), f"{field} must not be editable"
        assert html.select_one(f".field-{field} .readonly") is not None
    assert not html.find(id="memberships-group"), "the staff inline is for coordinators"
    assert not html.select("a.deletelink")

    data = form_data(page)
    data.update(
        {
            "description": "We coach **early literacy** teams.",
            "is_verified": "on",  # tampered with: ignored
            "is_partner": "on",
            "slug": "hijacked",
        }
    )
    response = client.post(change_url(provider_a), data)

    assert response.status_code == 302, soup(response).select(".errorlist")
    provider_a.refresh_from_db()
    assert provider_a.description == "We coach **early literacy** teams."
    assert not provider_a.is_verified and not provider_a.is_partner
    assert provider_a.slug == "provider-a-learning"


@pytest.mark.django_db
def test_provider_staff_cannot_reach_another_provider_nor_add_or_delete(
    client, staff_a, provider_a, provider_b
):
    client.force_login(staff_a)
    other = f"/admin/providers/provider/{provider_b.pk}"
    assert client.get(f"{other}/change/").status_code == 404
    assert client.post(f"{other}/change/", {"name": "Mine now"}).status_code == 404
    assert client.get(f"{other}/delete/").status_code == 404
    assert client.post(f"{other}/delete/", {"post": "yes"}).status_code == 404
    assert client.get(f"{other}/history/").status_code == 404
    assert client.get(ADD).status_code == 403
    assert client.get(f"/admin/providers/provider/{provider_a.pk}/delete/").status_code == 403
    assert client.get(MEMBERSHIPS).status_code == 403
    assert Provider.objects.filter(pk=provider_b.pk, name="Provider B Institute").exists()


@pytest.mark.django_db
def test_a_file_that_is_not_an_image_is_refused(client, staff_a, provider_a):
    client.force_login(staff_a)
    data = form_data(client.get(change_url(provider_a)))
    data["logo"] = text_file_named_like_an_image()

    response = client.post(change_url(provider_a), data)

    assert response.status_code == 200
    assert "This file is not an image we can read" in logo_errors(response)
    provider_a.refresh_from_db()
    assert not provider_a.logo


@pytest.mark.django_db
def test_an_image_over_2mb_is_refused(client, coordinator, provider_a):
    client.force_login(coordinator)
    data = form_data(client.get(change_url(provider_a)))
    big = png((1100, 1100), noise=True)
    assert big.size > 2 * 1024 * 1024
    data["logo"] = big

    response = client.post(change_url(provider_a), data)

    assert response.status_code == 200
    assert "the limit is 2 MB" in logo_errors(response)
    provider_a.refresh_from_db()
    assert not provider_a.logo


@pytest.mark.django_db
def test_a_good_logo_is_saved_and_the_profile_can_be_saved_again(client, staff_a, provider_a):
    client.force_login(staff_a)
    data = form_data(client.get(change_url(provider_a)))
    data["logo"] = png((64, 64))
    assert client.post(change_url(provider_a), data).status_code == 302
    provider_a.refresh_from_db()
    assert provider_a.logo.name.startswith("providers/logos/")

    # Saving again without a new upload keeps the logo.
    data = form_data(client.get(change_url(provider_a)))
    data["summary"] = "Updated."
    assert client.post(change_url(provider_a), data).status_code == 302
    provider_a.refresh_from_db()
    assert provider_a.summary == "Updated." and provider_a.logo


@pytest.mark.postgres
@pytest.mark.django_db
def test_renaming_a_provider_refreshes_its_events_search_vectors(client, coordinator):
    provider = factories.ProviderFactory(name="Desert Bloom Learning")
    event = factories.EventFactory(provider=provider, title="Classroom routines")
    factories.EventFactory(title="Unrelated workshop")
    assert list(search_events(Event.objects.all(), "Desert Bloom")) == [event]
    assert not search_events(Event.objects.all(), "Saguaro Collective").exists()

    client.force_login(coordinator)
    data = form_data(client.get(change_url(provider)))
    data["name"] = "Saguaro Collective"
    assert client.post(change_url(provider), data).status_code == 302

    assert list(search_events(Event.objects.all(), "Saguaro Collective")) == [event]


@pytest.mark.django_db
def test_a_profile_whose_stored_logo_went_missing_can_still_be_saved(client, staff_a, provider_a):
    Provider.objects.filter(pk=provider_a.pk).update(logo="providers/logos/gone.png")
    client.force_login(staff_a)
    client.raise_request_exception = True
    data = form_data(client.get(change_url(provider_a)))
    data["summary"] = "Still here."
    assert client.post(change_url(provider_a), data).status_code == 302


@pytest.mark.django_db
def test_staff_picker_finds_people_by_email_for_coordinators(client, coordinator, staff_a):
    client.force_login(coordinator)
    response = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "providers",
            "model_name": "providermembership",
            "field_name": "user",
            "term": staff_a.email.split("@")[0],
        },
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(staff_a.pk)]
