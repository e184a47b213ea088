"""The public on-site request form: what a school contact sees, strict and friendly
validation (each error beside its field, everything typed kept), the spam defences
shared with the gratitude wall, and the thank-you page with the private link."""

import datetime
import time
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from gratitude import spam as gratitude_spam
from providers.models import SessionRequest
from tests import factories
from trec import spam

from .utils import soup

pytestmark = pytest.mark.django_db


def future(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


@pytest.fixture
def offering():
    provider = factories.ProviderFactory(name="TREC Collaborative")
    return factories.OfferingFactory(
        provider=provider,
        title="Educator resiliency PD",
        durations=[("30-minute PD", 30), ("60-minute PD", 60)],
    )


@pytest.fixture
def intro(offering):
    return factories.OfferingFactory(
        provider=offering.provider,
        title="Introduction to TREC Hub",
        durations=[("10-minute introduction to TREC Hub", 10)],
    )


def url(provider) -> str:
    return f"/providers/{provider.slug}/request/"


def request_data(offering, /, **overrides) -> dict:
    """What a person sends from the form, shown 30 seconds ago."""
    data = {
        "offering": str(offering.pk),
        "duration": str(offering.durations.order_by("position").first().pk),
        "school_name": "Borton Magnet Elementary",
        "district": "",
        "contact_name": "Maria Lopez",
        "contact_email": "mlopez@borton.example.org",
        "contact_phone": "(520) 555-0143",
        "audience_size": "35",
        "date_1": future(14),
        "time_1": "morning",
        "date_2": future(21),
        "time_2": "after_school",
        "date_3": "",
        "time_3": "any",
        "notes": "We meet in the library.",
        "website": "",
        "started": spam.form_stamp(shown_at=time.time() - 30),
    }
    data.update(overrides)
    return data


def textarea(page, name: str) -> str:
    # Django writes a newline after <textarea>, which browsers drop.
    return page.find("textarea", attrs={"name": name}).get_text().removeprefix("\n")


def field_errors(page, name: str) -> str:
    field = page.find(attrs={"name": name}).find_parent("div", class_="field")
    return " ".join(e.get_text(" ", strip=True) for e in field.select(".errorlist"))


def test_form_shows_labelled_fields_and_picks_the_offering_from_the_link(client, offering, intro):
    response = client.get(url(offering.provider) + f"?offering={intro.slug}")

    assert response.status_code == 200
    page = soup(response)
    assert len(page.find_all("h1")) == 1
    assert "Request a visit from TREC Collaborative" in page.h1.get_text()
    form = page.find("form", class_="request-form")
    for field in form.find_all(["input", "select", "textarea"]):
        if field.get("type") in ("hidden", "submit") or field["name"] == "website":
            continue
        assert form.find("label", attrs={"for": field["id"]}), field["name"]
    chosen = form.find("select", attrs={"name": "offering"}).find("option", selected=True)
    assert chosen.get_text() == "Introduction to TREC Hub"
    # Its only length is picked too; lengths are grouped under their offering.
    duration = form.find("select", attrs={"name": "duration"})
    assert duration.find("option", selected=True).get_text() == (
        "10-minute introduction to TREC Hub"
    )
    assert {g["label"] for g in duration.find_all("optgroup")} == {
        "Educator resiliency PD",
        "Introduction to TREC Hub",
    }
    assert len(form.select('input[type="date"]')) == 3


def test_signed_in_educator_finds_their_details_filled_in(client, offering):
    educator = factories.EducatorFactory(first_name="Ana", last_name="Ruiz")
    client.force_login(educator)

    page = soup(client.get(url(offering.provider)))

    assert page.find("input", attrs={"name": "contact_name"})["value"] == "Ana Ruiz"
    assert page.find("input", attrs={"name": "contact_email"})["value"] == educator.email
    assert page.find("input", attrs={"name": "school_name"})["value"] == educator.school.name
    district = page.find("select", attrs={"name": "district"}).find("option", selected=True)
    assert district["value"] == str(educator.district_id)


def test_a_request_is_filed_and_the_thank_you_page_gives_the_private_link(
    client, offering, django_capture_on_commit_callbacks
):
    district = factories.DistrictFactory(name="Tucson Unified")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(offering.provider), request_data(offering, district=str(district.pk))
        )

    session_request = SessionRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/providers/requests/{session_request.token}/thanks/"
    assert session_request.status == SessionRequest.Status.NEW
    assert session_request.school_name == "Borton Magnet Elementary"
    assert session_request.district == district
    assert session_request.audience_size == 35
    assert session_request.preferred_dates == [
        {"date": future(14), "time_of_day": "morning"},
        {"date": future(21), "time_of_day": "after_school"},
    ]
    assert session_request.submitted_by is None
    assert len(session_request.token) >= 40
    assert [m.to for m in mail.outbox] == [["mlopez@borton.example.org"]]

    page = soup(client.get(response["Location"]))
    assert page.h1.get_text() == "Thank you: your request is on its way"
    link = page.select_one(".request-link a")
    assert link["href"] == f"/providers/requests/{session_request.token}/"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"school_name": "  "}, "school_name", "which school"),
        ({"contact_name": ""}, "contact_name", "give your name"),
        ({"contact_email": ""}, "contact_email", "e-mail address"),
        ({"contact_email": "maria@"}, "contact_email", "name@school.org"),
        ({"contact_phone": "call me maybe"}, "contact_phone", "phone number like"),
        ({"contact_phone": "12345"}, "contact_phone", "phone number like"),
        ({"audience_size": ""}, "audience_size", "estimate how many"),
        ({"audience_size": "0"}, "audience_size", "At least one person"),
        ({"audience_size": "501"}, "audience_size", "one request per group"),
        ({"audience_size": "lots"}, "audience_size", "whole number"),
        ({"offering": ""}, "offering", "choose what you would like"),
        ({"duration": ""}, "duration", "choose a length"),
        ({"duration": "999999"}, "duration", "one of the lengths listed"),
        ({"date_1": ""}, "date_1", "at least one date"),
        ({"date_1": "next tuesday"}, "date_1", "like 2027-03-18"),
        ({"date_1": future(0)}, "date_1", "after today"),
        ({"date_1": future(-3)}, "date_1", "after today"),
        ({"date_2": future(366)}, "date_2", "within the next year"),
        ({"date_2": future(14), "time_2": "morning"}, "date_2", "gave this date already"),
        ({"notes": "x" * 2001}, "notes", "at most 2000"),
    ],
)
def test_each_bad_input_is_explained_beside_its_field_and_everything_typed_is_kept(
    client, offering, overrides, field, message
):
    data = request_data(offering, **overrides)

    response = client.post(url(offering.provider), data)

    assert response.status_code == 400
    assert not SessionRequest.objects.exists()
    page = soup(response)
    assert message.lower() in field_errors(page, field).lower()
    assert page.select_one(".form-errors[role=alert]")
    # What was typed is still there.
    assert (
        page.find("input", attrs={"name": "contact_name"}).get("value", "")
        == (data["contact_name"])
    )
    assert (
        page.find("input", attrs={"name": "school_name"}).get("value", "") == (data["school_name"])
    )
    assert textarea(page, "notes") == data["notes"]
    assert page.find("input", attrs={"name": "date_1"}).get("value", "") == data["date_1"]
    time_2 = page.find("select", attrs={"name": "time_2"}).find("option", selected=True)
    assert time_2["value"] == data["time_2"]


def test_a_length_of_another_offering_is_refused_with_the_lengths_that_fit(client, offering, intro):
    data = request_data(offering, duration=str(intro.durations.get().pk))

    response = client.post(url(offering.provider), data)

    assert response.status_code == 400
    errors = field_errors(soup(response), "duration")
    assert "Educator resiliency PD comes in these lengths: 30-minute PD, 60-minute PD" in errors
    assert not SessionRequest.objects.exists()


def test_inactive_offering_and_another_providers_offering_cannot_be_requested(client, offering):
    hidden = factories.OfferingFactory(provider=offering.provider, is_active=False)
    elsewhere = factories.OfferingFactory()

    for other in (hidden, elsewhere):
        data = request_data(offering, offering=str(other.pk))
        data["duration"] = str(other.durations.get().pk)
        response = client.post(url(offering.provider), data)
        assert response.status_code == 400
        assert "not taking requests" in field_errors(soup(response), "offering")
    assert not SessionRequest.objects.exists()


def test_a_provider_without_offerings_takes_no_requests(client):
    provider = factories.ProviderFactory()
    factories.OfferingFactory(provider=provider, is_active=False)

    assert client.get(url(provider)).status_code == 404
    assert client.get("/providers/no-such-provider/request/").status_code == 404


# --- Spam defences -----------------------------------------------------------------------


def test_a_filled_honeypot_looks_like_success_and_stores_nothing(
    client, offering, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(offering.provider), request_data(offering, website="spam.biz"))

    assert response.status_code == 200
    assert "your request is on its way" in soup(response).h1.get_text()
    assert not SessionRequest.objects.exists()
    assert mail.outbox == []


def test_a_form_sent_faster_than_a_person_types_is_dropped(client, offering):
    response = client.post(
        url(offering.provider), request_data(offering, started=spam.form_stamp())
    )

    assert response.status_code == 200
    assert not SessionRequest.objects.exists()


@pytest.mark.parametrize("stamp", ["", "1700000000:forged", "stale"])
def test_a_missing_forged_or_day_old_stamp_asks_to_send_again_keeping_the_text(
    client, offering, stamp
):
    if stamp == "stale":
        day_ago = time.time() - spam.MAX_FORM_AGE_SECONDS - 60
        with mock.patch("time.time", return_value=day_ago):  # signed a day ago
            stamp = spam.form_stamp()

    response = client.post(url(offering.provider), request_data(offering, started=stamp))

    assert response.status_code == 400
    page = soup(response)
    assert "open for too long" in page.select_one(".form-errors").get_text()
    assert page.find("input", attrs={"name": "school_name"})["value"] == (
        "Borton Magnet Elementary"
    )
    assert not SessionRequest.objects.exists()


def test_too_many_requests_from_one_browser_are_held_back_keeping_the_text(client, offering):
    for _ in range(spam.RATE_LIMIT_PER_SESSION):
        assert client.post(url(offering.provider), request_data(offering)).status_code == 302

    response = client.post(url(offering.provider), request_data(offering, notes="One more."))

    assert response.status_code == 429
    page = soup(response)
    assert "several requests in a short time" in page.select_one(".form-errors").get_text()
    assert textarea(page, "notes") == "One more."
    assert SessionRequest.objects.count() == spam.RATE_LIMIT_PER_SESSION


def test_thank_yous_on_the_gratitude_wall_do_not_use_up_a_schools_requests(client, offering):
    client.get(url(offering.provider))
    client.session.save()
    session_key = client.session.session_key or "s"
    for _ in range(spam.RATE_LIMIT_PER_SESSION + 1):
        gratitude_spam.rate_limited(ip="127.0.0.1", session_key=session_key)

    assert client.post(url(offering.provider), request_data(offering)).status_code == 302


def test_a_quick_click_on_send_with_an_empty_form_shows_the_errors(client, offering):
    response = client.post(url(offering.provider), {"started": spam.form_stamp(), "website": ""})

    assert response.status_code == 400
    assert "at least one date" in field_errors(soup(response), "date_1")


def test_one_form_stamp_files_one_request_however_often_it_is_replayed(client, offering):
    """20 cookie-less posts from 20 addresses reuse one stamp: one request is filed;
    the others get a form error that keeps what was typed. A freshly shown form files
    the next one."""
    data = request_data(offering)
    statuses = []
    for n in range(20):
        client.cookies.clear()
        response = client.post(url(offering.provider), data, REMOTE_ADDR=f"198.51.100.{n + 1}")
        statuses.append(response.status_code)
    assert statuses == [302] + [400] * 19
    assert SessionRequest.objects.count() == 1
    page = soup(response)
    assert "has been sent already" in page.select_one(".form-errors").get_text()
    assert page.find("input", attrs={"name": "school_name"})["value"] == (
        "Borton Magnet Elementary"
    )
    fresh = request_data(offering, notes="A second visit, for the middle school.")
    assert client.post(url(offering.provider), fresh).status_code == 302
    assert SessionRequest.objects.count() == 2
