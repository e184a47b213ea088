"""The event page and what an educator does there: decide, register (or join the waiting
list), cancel, save, add it to a calendar, or go to the provider's own registration."""

import datetime
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from icalendar import Calendar

from events import services
from events.models import Event, OutboundClick, Registration, SavedEvent
from tests import factories
from tests.factories import in_days
from trec.accounts.models import GradeBand, User

pytestmark = pytest.mark.django_db

JOIN_URL = "https://zoom.example.org/j/123456"
DETAIL_QUERIES_ANONYMOUS = 6  # event (+provider, seats), sessions, topics, grade bands,
# materials, related events (events.showcase: one query each, whatever their number)
# + session and user (auth), + the viewer's registration, + the topics they follow
DETAIL_QUERIES_SIGNED_IN = DETAIL_QUERIES_ANONYMOUS + 4


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def text(response) -> str:
    return soup(response).find("main").get_text(" ", strip=True)


def url(event, name="detail"):
    return reverse(f"events:{name}", kwargs={"slug": event.slug})


def messages_shown(response) -> list[str]:
    return [p.get_text(" ", strip=True) for p in soup(response).select(".messages .message")]


def provider_page(provider) -> str:
    """The provider's profile on the hub; its own website until that page exists."""
    try:
        return reverse("providers:detail", kwargs={"slug": provider.slug})
    except NoReverseMatch:
        return provider.website


def buttons(response) -> dict[str, str]:
    """Submit buttons in the registration box: {label: form action}."""
    panel = soup(response).select_one(".register-panel")
    return {
        form.button.get_text(" ", strip=True): form["action"]
        for form in panel.find_all("form")
        if form.button
    }


@pytest.fixture
def webinar():
    k2 = GradeBand.objects.get(code="k-2")
    return factories.EventFactory(
        title="Trauma-informed classrooms",
        summary="Build a calm, predictable classroom.",
        description=(
            "## What you will learn\n\n- Regulation routines\n\n"
            "<script>alert('x')</script>[Slides](https://example.org/slides)"
        ),
        provider=factories.ProviderFactory(name="Project ECHO", website="https://echo.example"),
        kind=Event.Kind.WEBINAR,
        format=Event.Format.VIRTUAL,
        cost=Decimal("15"),
        pd_hours=Decimal("1.5"),
        capacity=2,
        join_url=JOIN_URL,
        recording_url="https://video.example.org/rec",
        audience_roles=[User.Role.TEACHER, User.Role.COUNSELOR],
        grade_bands=[k2],
        topics=[factories.TopicFactory(name="Trauma-informed practice")],
        sessions=[(in_days(5, 15), in_days(5, 17)), (in_days(12, 15), in_days(12, 17))],
    )


def test_event_page_shows_everything_needed_to_decide(client, webinar):
    response = client.get(url(webinar))
    assert response.status_code == 200
    page = soup(response)
    assert [h1.get_text(strip=True) for h1 in page.find_all("h1")] == [webinar.title]
    body = text(response)
    assert "Build a calm, predictable classroom." in body
    assert page.find("a", string="Project ECHO")["href"] == provider_page(webinar.provider)
    first = timezone.localtime(in_days(5, 15))
    assert f"{first:%A, %B} {first.day}, {first.year}, 3:00 PM – 5:00 PM MST" in body
    assert "Session 1" in body and "Session 2" in body and "and 1 more session" in body
    for fact in (
        "Format Virtual",
        "Cost $15",
        "PD hours 1.5",
        "Grade bands K–2",
        "For Classroom teacher, Counselor",
        "Topics Trauma-informed practice",
        "Language English",
        "2 of 2 seats left",
    ):
        assert fact in body, fact
    # The description is Markdown, rendered and sanitised.
    description = page.select_one(".event-description")
    assert description.find("h2", string="What you will learn")
    assert description.find("a", href="https://example.org/slides")
    assert not page.find("script", string=lambda s: s and "alert" in s)
    # A paid listing's recording is for its registrants only (issue 18).
    assert not page.find("a", href="https://video.example.org/rec")
    assert "The recording is for registrants ($15)." in body
    # Not registered: no join link, an invitation to sign in.
    assert JOIN_URL not in response.content.decode()
    sign_in = urlsplit(page.find("a", string="Sign in to register")["href"])
    assert sign_in.path == reverse("account_login")
    assert parse_qs(sign_in.query) == {"next": [url(webinar)]}


def test_join_link_only_for_confirmed_registrants(client, webinar):
    confirmed = factories.RegistrationFactory(event=webinar).user
    waiting = factories.RegistrationFactory(
        event=webinar, status=Registration.Status.WAITLISTED, queue_number=1, confirmed_at=None
    ).user
    cancelled = factories.RegistrationFactory(
        event=webinar, status=Registration.Status.CANCELLED
    ).user
    stranger = factories.EducatorFactory()

    client.force_login(confirmed)
    response = client.get(url(webinar))
    assert soup(response).find("a", href=JOIN_URL).get_text(strip=True) == "Join online"
    assert "You're registered." in text(response)
    assert buttons(response) == {
        "Yes, cancel my registration": url(webinar, "cancel"),
        "Save for later": url(webinar, "save"),
    }
    for user in (waiting, cancelled, stranger):
        client.force_login(user)
        assert JOIN_URL not in client.get(url(webinar)).content.decode(), user


def test_waitlisted_educator_sees_their_place_in_line(client, webinar):
    webinar.capacity = 1
    webinar.save()
    factories.RegistrationFactory(event=webinar)
    first, second = (
        factories.RegistrationFactory(
            event=webinar, status=Registration.Status.WAITLISTED, queue_number=n, confirmed_at=None
        )
        for n in (4, 9)
    )
    client.force_login(second.user)
    response = client.get(url(webinar))
    assert "You are number 2 on the waiting list." in text(response)
    assert "Full" in text(response)
    assert list(buttons(response)) == ["Yes, leave the waiting list", "Save for later"]


def test_pending_registration_waits_for_the_provider(client, webinar):
    webinar.requires_approval = True
    webinar.save()
    registration = factories.RegistrationFactory(
        event=webinar, status=Registration.Status.PENDING, confirmed_at=None
    )
    client.force_login(registration.user)
    response = client.get(url(webinar))
    assert "Your registration is waiting for the provider's approval." in text(response)
    assert JOIN_URL not in response.content.decode()


def test_a_declined_registration_stays_declined_when_posted_again(client, webinar):
    """The page offers no "Register" after a decline; a hand-made POST is refused too."""
    webinar.requires_approval = True
    webinar.save()
    registration = factories.RegistrationFactory(
        event=webinar, status=Registration.Status.PENDING, confirmed_at=None
    )
    services.registration_decide(registration=registration, approve=False)
    client.force_login(registration.user)

    response = client.post(url(webinar, "register"), follow=True)

    assert messages_shown(response) == [
        "The provider declined your request for a place at this event."
    ]
    registration.refresh_from_db()
    assert registration.status == Registration.Status.DECLINED
    # The provider can still reverse the decline: then the educator has the seat.
    services.registration_decide(registration=registration, approve=True)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_full_event_offers_the_waiting_list(client, educator, webinar):
    factories.RegistrationFactory.create_batch(2, event=webinar)
    client.force_login(educator)
    response = client.get(url(webinar))
    assert "Full — you can join the waiting list." in text(response)
    assert buttons(response)["Join the waiting list"] == url(webinar, "register")


# --- Who may see what -------------------------------------------------------------------


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.SUBMITTED])
def test_unpublished_listing_only_for_its_provider_and_coordinators(client, status, coordinator):
    event = factories.EventFactory(status=status, published_at=None)
    own_staff = factories.ProviderStaffFactory(provider=event.provider)
    other_staff = factories.ProviderStaffFactory()

    assert client.get(url(event)).status_code == 404
    for user in (factories.EducatorFactory(), other_staff):
        client.force_login(user)
        assert client.get(url(event)).status_code == 404
        assert client.get(url(event, "calendar")).status_code == 404
    for user in (own_staff, coordinator):
        client.force_login(user)
        response = client.get(url(event))
        assert response.status_code == 200
        banner = soup(response).select_one(".status-banner").get_text(" ", strip=True)
        assert "not published" in banner
        assert "Only the provider's staff and hub coordinators can see this page." in banner
        assert "Register" not in buttons(response)


def test_cancelled_event_stays_visible_with_a_banner(client, educator, webinar):
    registration = factories.RegistrationFactory(event=webinar, user=educator)
    Event.objects.filter(pk=webinar.pk).update(status=Event.Status.CANCELLED)
    response = client.get(url(webinar))
    assert response.status_code == 200
    assert "This event has been cancelled." in text(response)
    assert "Sign in to register" not in text(response)
    client.force_login(registration.user)
    response = client.get(url(webinar))
    assert JOIN_URL not in response.content.decode()
    assert "Register" not in buttons(response)
    # Cancelled before it was ever published: nobody outside the provider sees it.
    never = factories.EventFactory(status=Event.Status.CANCELLED, published_at=None)
    assert client.get(url(never)).status_code == 404


def test_unknown_event_is_404(client):
    assert client.get("/events/no-such-event/").status_code == 404


def test_detail_query_count_is_fixed(client, educator, django_assert_num_queries):
    """Guards against a query per session, topic or grade band on the event page."""
    one = factories.EventFactory(capacity=5, topics=[factories.TopicFactory()])
    days = [in_days(day) for day in range(2, 7)]
    five = factories.EventFactory(
        capacity=5,
        topics=factories.TopicFactory.create_batch(4),
        grade_bands=list(GradeBand.objects.all()),
        sessions=[(start, start + datetime.timedelta(hours=2)) for start in days],
    )
    factories.RegistrationFactory(
        event=five, user=educator, status=Registration.Status.WAITLISTED, queue_number=3
    )
    for event in (one, five):
        with django_assert_num_queries(DETAIL_QUERIES_ANONYMOUS):
            assert client.get(url(event)).status_code == 200
    client.force_login(educator)
    for event in (one, five):
        with django_assert_num_queries(DETAIL_QUERIES_SIGNED_IN):
            assert client.get(url(event)).status_code == 200


# --- Calendars ----------------------------------------------------------------------------


def test_calendar_file_has_one_event_per_session_in_utc(client, webinar):
    response = client.get(url(webinar, "calendar"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0" and "TREC Hub" in str(calendar["PRODID"])
    entries = calendar.walk("VEVENT")
    sessions = list(webinar.sessions.order_by("starts_at"))
    assert len(entries) == len(sessions) == 2
    for entry, session in zip(entries, sessions, strict=True):
        assert str(entry["UID"]) == f"event-{webinar.pk}-session-{session.pk}@trec-hub"
        start, end = entry.decoded("DTSTART"), entry.decoded("DTEND")
        assert start == session.starts_at and end == session.ends_at
        assert start.utcoffset() == datetime.timedelta(0)
        # Phoenix is UTC-7 all year: 3 PM there is 22:00 UTC.
        assert start.hour == 22
        assert entry.get("DTSTAMP") is not None
        assert str(entry["SUMMARY"]) == webinar.title
        assert str(entry["DESCRIPTION"]).startswith(webinar.summary)
        assert str(entry["URL"]).endswith(url(webinar))
        assert "LOCATION" not in entry  # online; the join link is for registrants only
    assert JOIN_URL not in response.content.decode()


def test_calendar_file_says_where_in_person_sessions_are(client):
    event = factories.EventFactory(
        format=Event.Format.IN_PERSON,
        venue_name="Amphitheater High School",
        address="125 W Yavapai Rd, Tucson, AZ",
    )
    (entry,) = Calendar.from_ical(client.get(url(event, "calendar")).content).walk("VEVENT")
    assert str(entry["LOCATION"]) == "Amphitheater High School, 125 W Yavapai Rd, Tucson, AZ"


def test_calendar_links_on_the_page(client, webinar):
    page = soup(client.get(url(webinar)))
    assert page.find("a", href=url(webinar, "calendar"))
    google = next(a["href"] for a in page.find_all("a") if "calendar.google.com" in a["href"])
    parts = urlsplit(google)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://calendar.google.com/calendar/render"
    )
    params = parse_qs(parts.query)
    first = webinar.sessions.order_by("starts_at").first()
    utc = datetime.UTC
    assert params["action"] == ["TEMPLATE"]
    assert params["text"] == [webinar.title]
    assert params["dates"] == [
        f"{first.starts_at.astimezone(utc):%Y%m%dT%H%M%SZ}/"
        f"{first.ends_at.astimezone(utc):%Y%m%dT%H%M%SZ}"
    ]
    assert webinar.summary in params["details"][0]
    assert params["location"] == ["Online"]


def test_on_demand_resource_has_no_calendar_file(client):
    resource = factories.EventFactory(kind=Event.Kind.ON_DEMAND, sessions=[])
    assert "On demand, any time" in text(client.get(url(resource)))
    assert client.get(url(resource, "calendar")).status_code == 404


# --- Registering on the provider's site ------------------------------------------------


def test_go_link_records_the_click_and_redirects(client, educator):
    event = factories.EventFactory(
        registration_mode=Event.RegistrationMode.EXTERNAL,
        external_registration_url="https://provider.example.org/register?id=7",
    )
    link = soup(client.get(url(event))).find("a", string="Register on the provider's site")
    assert link["href"] == url(event, "go")

    response = client.get(link["href"])
    assert response.status_code == 302
    assert response["Location"] == "https://provider.example.org/register?id=7"
    client.force_login(educator)
    client.get(link["href"])
    clicks = OutboundClick.objects.filter(event=event)
    assert clicks.count() == 2
    assert {click.user for click in clicks} == {None, educator}


def test_go_link_for_a_hub_event_just_goes_to_its_page(client, webinar):
    response = client.get(url(webinar, "go"))
    assert response["Location"] == url(webinar)
    assert not OutboundClick.objects.exists()


# --- Register, cancel, save -------------------------------------------------------------


def test_register_then_cancel(client, educator, webinar):
    client.force_login(educator)
    response = client.post(url(webinar, "register"), follow=True)
    assert response.redirect_chain == [(url(webinar), 302)]
    assert messages_shown(response) == ["You're registered for Trauma-informed classrooms."]
    assert "You're registered." in text(response)
    assert soup(response).find("a", href=JOIN_URL)
    assert Registration.objects.get(event=webinar, user=educator).status == "confirmed"

    response = client.post(url(webinar, "cancel"), follow=True)
    assert messages_shown(response) == ["Your registration is cancelled."]
    assert Registration.objects.get(event=webinar, user=educator).status == "cancelled"
    # Changed their mind? The seat is still free, so one press gets it back.
    assert buttons(response) == {
        "Undo: keep my seat": url(webinar, "register"),
        "Save for later": url(webinar, "save"),
    }
    response = client.post(url(webinar, "register"), follow=True)
    assert Registration.objects.get(event=webinar, user=educator).status == "confirmed"
    assert "Undo: keep my seat" not in buttons(response)


def test_cancelling_asks_first_and_says_what_happens_to_the_seat(client, educator, webinar):
    factories.RegistrationFactory(event=webinar, user=educator)
    client.force_login(educator)
    panel = soup(client.get(url(webinar))).select_one(".register-panel")
    confirm = panel.select_one("details.confirm-cancel")
    assert confirm.summary.get_text(strip=True) == "Cancel my registration"
    assert "Your seat goes to the next person waiting." in confirm.get_text()
    assert confirm.find("form")["action"] == url(webinar, "cancel")  # inside, not one tap away


def test_no_undo_once_the_seat_went_to_the_next_person_waiting(client, educator, webinar):
    factories.RegistrationFactory(event=webinar, user=educator)
    factories.RegistrationFactory(event=webinar)
    waiting = factories.RegistrationFactory(
        event=webinar, status=Registration.Status.WAITLISTED, queue_number=1, confirmed_at=None
    )
    client.force_login(educator)
    response = client.post(url(webinar, "cancel"), follow=True)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert "Undo: keep my seat" not in buttons(response)
    assert "Join the waiting list" in buttons(response)


def test_the_undo_offer_ends_after_a_few_minutes(client, educator, webinar):
    factories.RegistrationFactory(event=webinar, user=educator)
    client.force_login(educator)
    client.post(url(webinar, "cancel"))
    session = client.session
    session["events-undo-cancel"] = {str(webinar.pk): timezone.now().timestamp() - 1}
    session.save()
    assert buttons(client.get(url(webinar)))["Register"] == url(webinar, "register")
    assert "Undo: keep my seat" not in buttons(client.get(url(webinar)))


def test_a_past_event_offers_no_calendar_and_no_save(client, educator):
    past = factories.EventFactory(
        title="Last month's workshop",
        sessions=[(factories.in_days(-30), factories.in_days(-30, 18))],
    )
    client.force_login(educator)
    page = soup(client.get(url(past)))
    assert page.find(id="calendar-heading") is None
    assert page.find("button", string=re.compile("Save for later")) is None


def test_a_series_gets_a_google_calendar_link_for_each_session_still_to_come(client):
    series = factories.EventFactory(
        title="Coaching cycle",
        sessions=[(factories.in_days(d), factories.in_days(d, 18)) for d in (-7, 7, 14, 21)],
    )
    calendar = soup(client.get(url(series))).find(id="calendar-heading").parent
    google = [a for a in calendar.find_all("a") if "calendar.google.com" in a["href"]]
    assert len(google) == 3  # the session last week is gone
    assert "all 4 sessions" in calendar.get_text()


def test_registering_twice_changes_nothing(client, educator, webinar):
    factories.RegistrationFactory(event=webinar, user=educator)
    client.force_login(educator)
    response = client.post(url(webinar, "register"), follow=True)
    assert messages_shown(response) == ["You're already registered for Trauma-informed classrooms."]
    assert soup(response).select_one(".message-info")
    assert Registration.objects.filter(event=webinar).count() == 1


def test_full_event_puts_you_on_the_waiting_list_and_a_cancellation_promotes_you(
    client, educator, webinar
):
    holders = [r.user for r in factories.RegistrationFactory.create_batch(2, event=webinar)]
    client.force_login(educator)
    response = client.post(url(webinar, "register"), follow=True)
    assert messages_shown(response) == [
        "Trauma-informed classrooms is full: you are number 1 on the waiting list."
    ]
    assert "You are number 1 on the waiting list." in text(response)

    client.force_login(holders[0])
    client.post(url(webinar, "cancel"))
    client.force_login(educator)
    response = client.get(url(webinar))
    assert "You're registered." in text(response)
    assert soup(response).find("a", href=JOIN_URL)


def test_event_needing_approval_holds_the_registration(client, educator, webinar):
    webinar.requires_approval = True
    webinar.save()
    client.force_login(educator)
    assert buttons(client.get(url(webinar)))["Request a place"] == url(webinar, "register")
    response = client.post(url(webinar, "register"), follow=True)
    assert "the provider will confirm" in messages_shown(response)[0]
    assert Registration.objects.get(event=webinar, user=educator).status == "pending"


def test_closed_event_refuses_registration_with_a_reason(client, educator):
    past = factories.EventFactory(sessions=[(in_days(-3), in_days(-3, 18))])
    client.force_login(educator)
    page = client.get(url(past))
    assert "This event has already taken place." in text(page)
    assert "Register" not in buttons(page)
    response = client.post(url(past, "register"), follow=True)
    assert messages_shown(response) == ["This event has already taken place."]
    assert soup(response).select_one(".message-error")
    assert not Registration.objects.exists()


def test_cancel_without_a_registration_is_404(client, educator, webinar):
    client.force_login(educator)
    assert client.post(url(webinar, "cancel")).status_code == 404


def test_save_for_later_toggles(client, educator, webinar):
    client.force_login(educator)
    response = client.post(url(webinar, "save"), follow=True)
    assert "Saved for later" in messages_shown(response)[0]
    saved = soup(response).select_one(".save-form button")
    assert saved["aria-pressed"] == "true" and saved.get_text(" ", strip=True) == "Saved for later"
    assert SavedEvent.objects.filter(user=educator, event=webinar).exists()
    response = client.post(url(webinar, "save"), follow=True)
    assert messages_shown(response) == ["Removed from your saved events."]
    assert not SavedEvent.objects.exists()


@pytest.mark.parametrize("action", ["register", "cancel", "save"])
def test_actions_need_sign_in_and_post(client, educator, webinar, action):
    response = client.post(url(webinar, action))
    assert response.status_code == 302
    parts = urlsplit(response["Location"])
    assert parts.path == reverse("account_login")
    assert parse_qs(parts.query) == {"next": [url(webinar)]}
    assert not Registration.objects.exists() and not SavedEvent.objects.exists()

    client.force_login(educator)
    assert client.get(url(webinar, action)).status_code == 405


# --- Paid listings -------------------------------------------------------------------


def test_a_paid_recording_is_for_its_registrants_only(client, educator):
    resource = factories.EventFactory(
        title="Literacy coaching course",
        kind=Event.Kind.ON_DEMAND,
        sessions=[],
        cost=Decimal("150"),
        recording_url="https://video.example.org/literacy-course",
    )
    page = text(client.get(url(resource)))
    assert "https://video.example.org/literacy-course" not in page
    assert "The recording is for registrants ($150). Register to watch it." in page

    factories.RegistrationFactory(event=resource, user=educator)
    client.force_login(educator)
    link = soup(client.get(url(resource))).find("a", string="Watch the recording")
    assert link["href"] == "https://video.example.org/literacy-course"


def test_a_free_recording_is_for_everyone(client):
    resource = factories.EventFactory(
        kind=Event.Kind.ON_DEMAND, sessions=[], recording_url="https://video.example.org/free"
    )
    link = soup(client.get(url(resource))).find("a", string="Watch the recording")
    assert link["href"] == "https://video.example.org/free"


def test_a_paid_event_says_how_payment_works_before_anyone_registers(client, educator):
    event = factories.EventFactory(
        title="Math circles institute",
        cost=Decimal("75"),
        payment_method=Event.PaymentMethod.AT_THE_DOOR,
        payment_instructions="Card or check on the day.",
    )
    client.force_login(educator)
    panel = soup(client.get(url(event))).select_one(".register-panel")
    note = panel.select_one(".payment-note").get_text(" ", strip=True)
    assert "This listing costs $75." in note
    assert "How to pay: Pay at the door." in note
    assert "Card or check on the day." in note
    # Without instructions it still says payment is settled with the provider.
    event.payment_method, event.payment_instructions = "", ""
    event.save()
    panel = soup(client.get(url(event))).select_one(".register-panel")
    assert "The provider will tell you how to pay once you register." in panel.get_text()


def test_go_link_counts_one_click_per_person_or_device_a_day(client, educator):
    """25 cookie-less clicks count once (the same address today); a signed-in person's
    25 clicks count once; every click still goes to the provider's site."""
    event = factories.EventFactory(
        registration_mode=Event.RegistrationMode.EXTERNAL,
        external_registration_url="https://provider.example.org/register?id=7",
    )
    for _ in range(25):
        client.cookies.clear()
        response = client.get(url(event, "go"))
        assert response["Location"] == "https://provider.example.org/register?id=7"
    assert OutboundClick.objects.filter(event=event).count() == 1
    client.force_login(educator)
    for _ in range(25):
        client.get(url(event, "go"))
    assert OutboundClick.objects.filter(event=event).count() == 2
    assert OutboundClick.objects.filter(event=event, user=educator).count() == 1
