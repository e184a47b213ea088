"""The request queue in the admin: provider staff see and decide only their own
providers' requests (another provider's is 404), coordinators see every one; the
change page's forms schedule, complete and decline through the services."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from events.models import Event
from providers.models import SessionRequest
from tests import factories

from .utils import soup

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/providers/sessionrequest/"
Status = SessionRequest.Status


def change_url(session_request) -> str:
    return f"{CHANGELIST}{session_request.pk}/change/"


def decide_url(session_request) -> str:
    return f"{CHANGELIST}{session_request.pk}/decide/"


def in_days(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


@pytest.fixture
def provider_a():
    return factories.ProviderFactory(name="TREC Collaborative")


@pytest.fixture
def provider_b():
    return factories.ProviderFactory(name="Sonoran STEM Collaborative")


@pytest.fixture
def staff_a(provider_a):
    return factories.ProviderStaffFactory(provider=provider_a)


@pytest.fixture
def staff_b(provider_b):
    return factories.ProviderStaffFactory(provider=provider_b)


@pytest.fixture
def request_a(provider_a):
    offering = factories.OfferingFactory(provider=provider_a, title="Educator resiliency PD")
    return factories.SessionRequestFactory(offering=offering, school_name="Borton Magnet")


@pytest.fixture
def request_b(provider_b):
    offering = factories.OfferingFactory(provider=provider_b, title="Robotics for teachers")
    return factories.SessionRequestFactory(offering=offering, school_name="Doolen Middle")


def schools(response) -> list[str]:
    return [
        a.get_text(strip=True) for a in soup(response).select("#result_list .field-school_name a")
    ]


def test_provider_staff_see_only_their_own_requests(client, staff_a, request_a, request_b):
    client.force_login(staff_a)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert schools(response) == ["Borton Magnet"]
    # The provider filter offers only their own provider.
    assert "Sonoran STEM Collaborative" not in response.content.decode()
    assert client.get(change_url(request_b)).status_code == 404
    assert client.get(f"{CHANGELIST}{request_b.pk}/history/").status_code == 404
    response = client.post(
        decide_url(request_b), {"action": "decline", "decline-reason": "Not ours"}
    )
    assert response.status_code == 404
    assert SessionRequest.objects.get(pk=request_b.pk).status == Status.NEW


def test_coordinators_see_every_request_and_filter_by_status(
    client, coordinator, request_a, request_b
):
    client.force_login(coordinator)

    assert sorted(schools(client.get(CHANGELIST))) == ["Borton Magnet", "Doolen Middle"]
    request_b.status = Status.DECLINED
    request_b.decline_reason = "Full"
    request_b.save()
    assert schools(client.get(CHANGELIST + "?status__exact=new")) == ["Borton Magnet"]
    assert schools(client.get(CHANGELIST + "?q=doolen")) == ["Doolen Middle"]


@pytest.mark.parametrize("who", ["anonymous", "educator"])
def test_people_outside_the_back_office_never_reach_the_queue(client, who, request_a):
    if who == "educator":
        client.force_login(factories.EducatorFactory())

    for url in (CHANGELIST, change_url(request_a)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    response = client.post(decide_url(request_a), {"action": "complete"})
    assert response.status_code == 302
    assert SessionRequest.objects.get().status == Status.NEW


@pytest.mark.parametrize("rows", [1, 10])
def test_queue_query_count_is_fixed(client, staff_a, provider_a, django_assert_num_queries, rows):
    """Guards against a query per row (offering and provider names)."""
    offering = factories.OfferingFactory(provider=provider_a)
    for _ in range(rows):
        factories.SessionRequestFactory(offering=offering)
    client.force_login(staff_a)
    client.get(CHANGELIST)  # warm the session and content types

    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(CHANGELIST)
    assert len(schools(response)) == rows


QUEUE_QUERIES = 12  # session, user, permissions (2), coordinator?, provider ids,
# provider filter, two counts, the page, two date-hierarchy queries


def test_change_page_shows_the_request_and_the_decisions_it_allows(client, staff_a, request_a):
    client.force_login(staff_a)

    page = soup(client.get(change_url(request_a)))

    actions = [i["value"] for i in page.select("#decisions input[name=action]")]
    assert actions == ["schedule", "decline"]
    # Pre-filled from the first preferred date and the length asked for.
    assert (
        page.find("input", attrs={"name": "schedule-date"})["value"]
        == (request_a.preferred_dates[0]["date"])
    )
    assert page.find("input", attrs={"name": "schedule-minutes"})["value"] == "45"
    assert not page.find("input", attrs={"name": "_save"})  # no hand edits
    assert "Borton Magnet" in page.get_text()


def test_staff_schedule_a_request_from_the_change_page(
    client, staff_a, request_a, django_capture_on_commit_callbacks
):
    client.force_login(staff_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            decide_url(request_a),
            {
                "action": "schedule",
                "schedule-date": in_days(9),
                "schedule-start_time": "14:30",
                "schedule-minutes": "45",
                "schedule-note": "Meet at the front office.",
            },
        )

    assert response.status_code == 302
    assert response["Location"] == change_url(request_a)
    request_a.refresh_from_db()
    assert request_a.status == Status.SCHEDULED
    assert timezone.localtime(request_a.scheduled_start).strftime("%H:%M") == "14:30"
    event = Event.objects.get()
    assert event.is_private and event.provider == request_a.provider
    assert [m.to for m in mail.outbox] == [[request_a.contact_email]]
    page = soup(client.get(change_url(request_a)))
    assert [i["value"] for i in page.select("#decisions input[name=action]")] == [
        "complete",
        "decline",
    ]
    assert "Scheduled: the visit is on the provider's calendar" in page.get_text()


def test_an_invalid_decision_shows_its_errors_and_changes_nothing(client, staff_a, request_a):
    client.force_login(staff_a)

    response = client.post(decide_url(request_a), {"action": "decline", "decline-reason": ""})

    assert response.status_code == 400
    assert "Please give the school a reason." in soup(response).select_one(".errorlist").get_text()
    response = client.post(
        decide_url(request_a),
        {
            "action": "schedule",
            "schedule-date": in_days(-2),
            "schedule-start_time": "09:00",
            "schedule-minutes": "45",
        },
    )
    assert response.status_code == 400
    assert "in the future" in response.content.decode()
    assert SessionRequest.objects.get().status == Status.NEW


def test_a_decision_the_status_does_not_allow_is_refused_politely(client, staff_a, request_a):
    client.force_login(staff_a)

    response = client.post(decide_url(request_a), {"action": "complete"}, follow=True)

    assert "This request is new: it cannot be marked as done." in response.content.decode()
    assert SessionRequest.objects.get().status == Status.NEW


def test_mark_done_action_completes_only_scheduled_requests(
    client, coordinator, request_a, request_b
):
    from providers import services

    services.request_schedule(
        session_request=request_a,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        minutes=45,
    )
    client.force_login(coordinator)

    client.post(
        CHANGELIST,
        {"action": "mark_done", "_selected_action": [request_a.pk, request_b.pk]},
    )

    assert SessionRequest.objects.get(pk=request_a.pk).status == Status.DONE
    assert SessionRequest.objects.get(pk=request_b.pk).status == Status.NEW


# --- Offerings in the admin -------------------------------------------------------------


def test_provider_staff_manage_only_their_own_offerings(client, staff_a, provider_a, provider_b):
    mine = factories.OfferingFactory(provider=provider_a, title="Kindness in the classroom")
    theirs = factories.OfferingFactory(provider=provider_b, title="Robotics for teachers")
    client.force_login(staff_a)

    response = client.get("/admin/providers/offering/")

    assert response.status_code == 200
    titles = [a.get_text() for a in soup(response).select("#result_list .field-title a")]
    assert titles == ["Kindness in the classroom"]
    assert client.get(f"/admin/providers/offering/{mine.pk}/change/").status_code == 200
    assert client.get(f"/admin/providers/offering/{theirs.pk}/change/").status_code == 404
    page = soup(client.get("/admin/providers/offering/add/"))
    providers = [o.get_text() for o in page.select("select[name=provider] option") if o["value"]]
    assert providers == ["TREC Collaborative"]


def test_provider_staff_add_an_offering_with_its_lengths(client, staff_a, provider_a):
    client.force_login(staff_a)

    response = client.post(
        "/admin/providers/offering/add/",
        {
            "provider": provider_a.pk,
            "title": "Introduction to TREC Hub",
            "slug": "introduction-to-trec-hub",
            "description": "",
            "is_active": "on",
            "position": "0",
            "audience": "Whole staff",
            "format": "either",
            "title_es": "",
            "description_es": "",
            "audience_es": "",
            "durations-TOTAL_FORMS": "1",
            "durations-INITIAL_FORMS": "0",
            "durations-MIN_NUM_FORMS": "1",
            "durations-MAX_NUM_FORMS": "1000",
            "durations-0-label": "10-minute introduction to TREC Hub",
            "durations-0-label_es": "",
            "durations-0-minutes": "10",
            "durations-0-position": "0",
        },
    )

    assert response.status_code == 302, soup(response).select(".errorlist")
    offering = provider_a.offerings.get()
    assert [(d.label, d.minutes) for d in offering.durations.all()] == [
        ("10-minute introduction to TREC Hub", 10)
    ]
