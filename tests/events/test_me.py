"""/me/: an educator's registrations, waiting lists and saved events; the private feed."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from icalendar import Calendar

from events import services
from events.models import Event, SavedEvent
from tests import factories
from trec.accounts.models import GradeBand

pytestmark = pytest.mark.django_db


def section(response, heading_id):
    page = BeautifulSoup(response.content.decode(), "html.parser")
    return page.find(id=heading_id).find_parent("section").get_text(" ", strip=True)


def section_items(response, heading_id):
    page = BeautifulSoup(response.content.decode(), "html.parser")
    return page.find(id=heading_id).find_parent("section").select("ul > li")


def test_me_sorts_registrations_into_sections(client, educator):
    upcoming = factories.EventFactory(title="Math Talks for K-2")
    full = factories.EventFactory(title="Full Literacy Lab", capacity=1)
    services.registration_create(event=full, user=factories.EducatorFactory())  # the seat
    services.registration_create(event=full, user=factories.EducatorFactory())  # waiting 1st
    past = factories.EventFactory(
        title="Summer SEL Institute",
        sessions=[(factories.in_days(-20), factories.in_days(-20, hour=18))],
    )
    services.registration_create(event=upcoming, user=educator)
    services.registration_create(event=full, user=educator)
    factories.RegistrationFactory(event=past, user=educator)
    SavedEvent.objects.create(user=educator, event=factories.EventFactory(title="Saved Webinar"))

    client.force_login(educator)
    response = client.get(reverse("accounts:me"))

    assert "Math Talks for K-2" in section(response, "me-upcoming")
    waiting = section(response, "me-waiting")
    assert "Full Literacy Lab" in waiting and "Waiting list: number 2" in waiting
    assert "Summer SEL Institute" in section(response, "me-past")
    assert "Saved Webinar" in section(response, "me-saved")


def test_me_has_friendly_empty_states(client, educator):
    client.force_login(educator)
    response = client.get(reverse("accounts:me"))
    assert "You have no upcoming registrations." in section(response, "me-upcoming")
    assert "You are not on any waiting list." in section(response, "me-waiting")


def test_me_query_count_does_not_grow_with_registrations(
    client, educator, django_assert_num_queries
):
    client.force_login(educator)

    def register_for(n):
        for _ in range(n):
            factories.RegistrationFactory(user=educator)
            SavedEvent.objects.create(user=educator, event=factories.EventFactory())

    register_for(1)
    # session, user, district, registrations, saved, suggestions, CoPs, proposals,
    # co-presenter invitations, follows,
    # the transcript share, the district-partner role
    with django_assert_num_queries(12):
        client.get(reverse("accounts:me"))
    register_for(20)
    with django_assert_num_queries(12):
        client.get(reverse("accounts:me"))


def test_private_feed_lists_confirmed_sessions_with_join_links(client, educator):
    event = factories.EventFactory(
        title="Restorative Circles",
        join_url="https://meet.example.org/circles",
        sessions=[
            (factories.in_days(3), factories.in_days(3, hour=17)),
            (factories.in_days(10), factories.in_days(10, hour=17)),
        ],
    )
    factories.RegistrationFactory(event=event, user=educator)
    waiting = factories.EventFactory(title="Not Yet Mine", capacity=0)
    services.registration_create(event=waiting, user=educator)

    response = client.get(
        reverse("accounts:calendar_feed", kwargs={"token": educator.calendar_token})
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    vevents = calendar.walk("VEVENT")
    assert [str(v["SUMMARY"]) for v in vevents] == ["Restorative Circles"] * 2
    assert "https://meet.example.org/circles" in str(vevents[0]["DESCRIPTION"])
    starts = [v.decoded("DTSTART") for v in vevents]
    assert starts == [s.starts_at for s in event.sessions.all()]


def test_feed_marks_cancelled_events(client, educator):
    event = factories.EventFactory(title="Cancelled Clinic")
    factories.RegistrationFactory(event=event, user=educator)
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    response = client.get(
        reverse("accounts:calendar_feed", kwargs={"token": educator.calendar_token})
    )
    (vevent,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED"


def test_unknown_token_is_404(client, db):
    response = client.get(reverse("accounts:calendar_feed", kwargs={"token": "nope"}))
    assert response.status_code == 404


def test_resetting_the_token_retires_the_old_feed(client, educator):
    old = educator.calendar_token
    client.force_login(educator)
    response = client.post(reverse("accounts:calendar_reset"), follow=True)
    assert "Your calendar link has been reset" in response.content.decode()
    educator.refresh_from_db()
    assert educator.calendar_token != old
    assert client.get(reverse("accounts:calendar_feed", kwargs={"token": old})).status_code == 404
    new = client.get(reverse("accounts:calendar_feed", kwargs={"token": educator.calendar_token}))
    assert new.status_code == 200


def test_reset_needs_post(client, educator):
    client.force_login(educator)
    assert client.get(reverse("accounts:calendar_reset")).status_code == 405


def test_past_events_show_the_ten_most_recent(client, educator):
    for days in range(1, 13):
        past = factories.EventFactory(
            title=f"Past Event {days:02d}",
            sessions=[(factories.in_days(-days), factories.in_days(-days, hour=18))],
        )
        factories.RegistrationFactory(event=past, user=educator)
    client.force_login(educator)
    text = section(client.get(reverse("accounts:me")), "me-past")
    assert "Past Event 01" in text and "Past Event 10" in text
    assert "Past Event 11" not in text
    assert "…and 2 earlier events." in text


def test_dated_events_come_before_on_demand_resources(client, educator):
    factories.RegistrationFactory(
        event=factories.EventFactory(title="Anytime Toolkit", kind="on_demand", sessions=[]),
        user=educator,
    )
    factories.RegistrationFactory(
        event=factories.EventFactory(title="Dated Workshop"), user=educator
    )
    client.force_login(educator)
    text = section(client.get(reverse("accounts:me")), "me-upcoming")
    assert text.index("Dated Workshop") < text.index("Anytime Toolkit")


def test_suggestions_follow_the_profile_and_colleagues_and_skip_what_you_have(client, educator):
    k2 = GradeBand.objects.get(code="k-2")
    educator.grade_bands.set([k2])
    literacy = factories.TopicFactory(name="Early literacy")
    educator.interests.set([literacy])
    soon = factories.EventFactory(title="Phonics in K-2", grade_bands=[k2])
    popular = factories.EventFactory(
        title="Read-alouds that work",
        topics=[literacy],
        sessions=[(factories.in_days(20), factories.in_days(20, 18))],
    )
    for _ in range(2):  # two colleagues from the same district are going
        factories.RegistrationFactory(
            event=popular, user=factories.EducatorFactory(district=educator.district)
        )
    registered = factories.EventFactory(title="Already registered", grade_bands=[k2])
    factories.RegistrationFactory(event=registered, user=educator)
    factories.EventFactory(title="High school chemistry")  # no grade band or topic of theirs
    factories.EventFactory(
        title="Last spring",
        grade_bands=[k2],
        sessions=[(factories.in_days(-90), factories.in_days(-90, 18))],
    )

    client.force_login(educator)
    items = section_items(client.get(reverse("accounts:me")), "me-suggested")
    assert [item.a.get_text() for item in items] == [popular.title, soon.title]
    assert "2 colleagues from your district are going" in items[0].get_text()


def test_no_suggestions_says_how_to_get_them(client, educator):
    educator.grade_bands.clear()
    educator.interests.clear()
    client.force_login(educator)
    assert "we will suggest professional learning here" in section(
        client.get(reverse("accounts:me")), "me-suggested"
    )
