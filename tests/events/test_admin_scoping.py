"""The back office keeps providers apart: provider A's staff see and change only A's
events and registrations, and every URL of B's objects answers 404 for them (never 403:
B's objects simply do not exist for A). Coordinators see everything."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from events.models import Attendance, Event, Registration
from tests import factories


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def form_data(response, form_id: str = "event_form") -> dict:
    """What a browser would submit for the form `form_id` as it is rendered."""
    form = soup(response).find("form", id=form_id)
    assert form is not None, f"no form #{form_id}"
    data: dict[str, list[str]] = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.has_attr("disabled") or "__prefix__" in name:
            continue
        if field.name == "input":
            kind = field.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                continue
            if kind in ("checkbox", "radio"):
                if field.has_attr("checked"):
                    data.setdefault(name, []).append(field.get("value", "on"))
                continue
            data.setdefault(name, []).append(field.get("value", ""))
        elif field.name == "select":
            options = field.find_all("option")
            chosen = [o.get("value", o.text) for o in options if o.has_attr("selected")]
            if not chosen and not field.has_attr("multiple") and options:
                chosen = [options[0].get("value", options[0].text)]
            data.setdefault(name, []).extend(chosen)
        else:
            text = field.text
            data.setdefault(name, []).append(text[1:] if text.startswith("\n") else text)
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


def action_names(response) -> set[str]:
    select = soup(response).find("select", {"name": "action"})
    return {option["value"] for option in select.find_all("option")} if select else set()


@pytest.fixture
def provider_a(db):
    return factories.ProviderFactory(name="Desert Literacy Project")


@pytest.fixture
def provider_b(db):
    return factories.ProviderFactory(name="Saguaro STEM Alliance")


@pytest.fixture
def staff_a(provider_a):
    return factories.ProviderStaffFactory(provider=provider_a)


@pytest.fixture
def event_a(provider_a):
    return factories.EventFactory(provider=provider_a, title="Phonics for Families", capacity=10)


@pytest.fixture
def event_b(provider_b):
    return factories.EventFactory(provider=provider_b, title="Robotics Club Launch", capacity=10)


@pytest.fixture
def registration_b(event_b):
    return factories.RegistrationFactory(event=event_b)


@pytest.mark.django_db
def test_provider_staff_see_only_their_own_events_and_registrations(
    client, staff_a, event_a, event_b, registration_b
):
    mine = factories.RegistrationFactory(event=event_a)
    client.force_login(staff_a)

    events = client.get(reverse("admin:events_event_changelist"))
    assert events.status_code == 200
    page = events.content.decode()
    assert "Phonics for Families" in page
    assert "Robotics Club Launch" not in page

    registrations = client.get(reverse("admin:events_registration_changelist"))
    assert registrations.status_code == 200
    rows = soup(registrations).select("#result_list tbody tr")
    assert len(rows) == 1
    assert mine.user.email in rows[0].get_text()

    # Searching for B's event by name finds nothing either.
    found = client.get(reverse("admin:events_event_changelist"), {"q": "Robotics"})
    assert "Robotics Club Launch" not in found.content.decode()


@pytest.mark.django_db
def test_coordinators_see_every_provider_and_can_filter_by_provider(
    client, coordinator, staff_a, event_a, event_b
):
    client.force_login(coordinator)
    page = client.get(reverse("admin:events_event_changelist")).content.decode()
    assert "Phonics for Families" in page and "Robotics Club Launch" in page
    assert "By provider" in page

    client.force_login(staff_a)
    page = client.get(reverse("admin:events_event_changelist")).content.decode()
    assert "By provider" not in page


EVENT_URLS = [
    "admin:events_event_change",
    "admin:events_event_delete",
    "admin:events_event_history",
    "admin:events_event_roster",
    "admin:events_event_roster_csv",
    "admin:events_event_roster_email",
    "admin:events_event_cancel",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", EVENT_URLS)
def test_another_providers_event_is_not_found(client, staff_a, event_b, name):
    client.force_login(staff_a)
    assert client.get(reverse(name, args=[event_b.pk])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("name", EVENT_URLS)
def test_own_event_pages_open(client, staff_a, event_a, name):
    client.force_login(staff_a)
    response = client.get(reverse(name, args=[event_a.pk]))
    # Provider staff may not delete events (they cancel them instead).
    expected = 403 if name == "admin:events_event_delete" else 200
    assert response.status_code == expected


@pytest.mark.django_db
def test_another_providers_registration_is_not_found(client, staff_a, registration_b):
    client.force_login(staff_a)
    for name in ("change", "delete", "history"):
        url = reverse(f"admin:events_registration_{name}", args=[registration_b.pk])
        assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_posting_to_another_providers_pages_changes_nothing(
    client, staff_a, event_b, registration_b, django_capture_on_commit_callbacks
):
    from django.core import mail

    client.force_login(staff_a)
    session = event_b.sessions.get()
    with django_capture_on_commit_callbacks(execute=True):
        responses = [
            client.post(
                reverse("admin:events_event_roster", args=[event_b.pk]),
                {
                    "shown": f"{registration_b.pk}-{session.pk}",
                    "attended": f"{registration_b.pk}-{session.pk}",
                },
            ),
            client.post(
                reverse("admin:events_event_cancel", args=[event_b.pk]), {"reason": "Oops"}
            ),
            client.post(
                reverse("admin:events_event_roster_email", args=[event_b.pk]),
                {"subject": "Hello", "body": "Spam"},
            ),
            client.post(
                reverse("admin:events_event_change", args=[event_b.pk]), {"title": "Mine now"}
            ),
        ]
    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    event_b.refresh_from_db()
    assert event_b.status == Event.Status.PUBLISHED and event_b.title == "Robotics Club Launch"
    assert not Attendance.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_provider_staff_cannot_choose_another_provider(client, staff_a, provider_a, provider_b):
    client.force_login(staff_a)
    add_url = reverse("admin:events_event_add")
    response = client.get(add_url)
    select = soup(response).find("select", {"name": "provider"})
    options = {o["value"]: o for o in select.find_all("option")}
    assert set(options) == {str(provider_a.pk)}, "only their own provider, preselected"
    assert options[str(provider_a.pk)].has_attr("selected")

    data = form_data(response)
    data.update({"provider": provider_b.pk, "title": "Sneaky", "slug": "sneaky", "summary": "x"})
    response = client.post(add_url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Event.objects.filter(slug="sneaky").exists()


@pytest.mark.django_db
def test_review_actions_are_for_coordinators_only(client, coordinator, staff_a, provider_a):
    submitted = factories.EventFactory(provider=provider_a, status=Event.Status.SUBMITTED)
    client.force_login(staff_a)
    changelist = reverse("admin:events_event_changelist")
    assert action_names(client.get(changelist)).isdisjoint(
        {"approve_and_publish", "return_to_provider"}
    )
    # Posting the action anyway does nothing.
    client.post(
        changelist,
        {"action": "approve_and_publish", "_selected_action": [submitted.pk], "index": 0},
    )
    submitted.refresh_from_db()
    assert submitted.status == Event.Status.SUBMITTED

    client.force_login(coordinator)
    assert {"approve_and_publish", "return_to_provider"} <= action_names(client.get(changelist))


@pytest.mark.django_db
def test_provider_staff_cannot_add_registrations_or_change_who_and_what(client, staff_a, event_a):
    registration = factories.RegistrationFactory(event=event_a)
    client.force_login(staff_a)
    assert client.get(reverse("admin:events_registration_add")).status_code == 403

    url = reverse("admin:events_registration_change", args=[registration.pk])
    response = client.get(url)
    assert response.status_code == 200
    page = soup(response)
    assert page.find(attrs={"name": "user"}) is None
    assert page.find(attrs={"name": "event"}) is None

    other = factories.EventFactory(provider=event_a.provider)
    client.post(url, {"user": staff_a.pk, "event": other.pk, "status": "cancelled"})
    registration.refresh_from_db()
    assert (registration.event, registration.status) == (event_a, Registration.Status.CONFIRMED)


@pytest.mark.django_db
@pytest.mark.parametrize("events", [1, 20])
def test_event_changelist_query_count_does_not_grow_with_events(
    client, coordinator, events, django_assert_num_queries
):
    """Guards the N+1s of counting each row's registrations and reading its provider."""
    for _ in range(events):
        event = factories.EventFactory(capacity=5)
        factories.RegistrationFactory(event=event)
        factories.RegistrationFactory(
            event=event, status=Registration.Status.WAITLISTED, queue_number=1
        )
    client.force_login(coordinator)
    # session, user, permissions (2), coordinator?, topics and providers (filters),
    # counts (2), the page of events, the date hierarchy (range, then days)
    with django_assert_num_queries(12):
        response = client.get(reverse("admin:events_event_changelist"))
    assert len(soup(response).select("#result_list tbody tr")) == events
    assert "(+1 waiting)" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", [*EVENT_URLS, "admin:events_event_import_template"])
def test_back_office_pages_need_a_staff_sign_in(client, educator, event_a, name):
    args = [] if name.endswith("import_template") else [event_a.pk]
    url = reverse(name, args=args)
    login = reverse("admin:login")
    assert client.get(url)["Location"].startswith(login)  # anonymous
    client.force_login(educator)  # signed in, but not back-office staff
    assert client.get(url)["Location"].startswith(login)
