"""An educator registers for the summit on a 360px phone, builds a schedule (an overlap
is refused with the clashing session named), and sees it under "My schedule"; the
check-in desk finds and checks her in. Axe on every page."""

import datetime
import re

import pytest

from events.models import Registration, SessionChoice
from events.services import event_sync_schedule
from tests import factories
from tests.e2e.test_catalog_journey import sign_in
from tests.factories import in_days

pytestmark = pytest.mark.django_db(transaction=True)

ARTIFACTS_WIDTH = 360


def button(action: str, title: str):
    """A session's button: the action, then the session's title (visually hidden)."""
    return re.compile(rf"^{re.escape(action)}\W+{re.escape(title)}$")


def session(event, title, hour, minutes=60, room="Room 101", **kwargs):
    start = in_days(10, hour=hour)
    return factories.ProgramSessionFactory(
        event=event,
        title=title,
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=minutes),
        location=room,
        **kwargs,
    )


def test_register_and_build_a_schedule_on_a_phone(live_server, browser, assert_accessible):
    host = factories.ProviderFactory(name="TREC Collaborative")
    staff = factories.ProviderStaffFactory(provider=host)
    summit = factories.ProgramFactory(
        provider=host, title="TREC Educator Summit 2027", slug="trec-educator-summit-2027"
    )
    summit.expo_booths.create(
        provider=factories.ProviderFactory(name="Ben's Bells Project"), booth="Table 1"
    )
    session(summit, "Opening keynote", 8, minutes=45, room="Ballroom", track="Plenary")
    session(summit, "Phonics that sticks", 9, capacity=30, presenters="Ana Ruiz")
    session(summit, "Restorative circles", 9, minutes=90, room="Room 102", capacity=1)
    session(summit, "Math talks", 11, room="Room 103", capacity=1, track="STEM")
    someone = factories.RegistrationFactory(event=summit)
    SessionChoice.objects.create(
        registration=someone,
        session=summit.sessions.get(title="Math talks"),
        status=SessionChoice.Status.CONFIRMED,
    )
    educator = factories.EducatorFactory(first_name="Rosa", last_name="Diaz")

    phone = browser.new_context(
        viewport={"width": ARTIFACTS_WIDTH, "height": 780}, locale="en-US"
    ).new_page()
    phone.set_default_timeout(10_000)
    sign_in(phone, live_server, educator)
    phone.goto(live_server.url + summit.get_absolute_url())
    assert_accessible(phone)
    assert "Table 1" in phone.locator(".expo-list").inner_text()
    phone.get_by_role("button", name="Register").click()
    assert (
        "You're registered for TREC Educator Summit 2027" in phone.locator(".messages").inner_text()
    )

    phone.get_by_role("link", name="See the schedule").click()
    assert phone.locator("h1").inner_text() == "Schedule: TREC Educator Summit 2027"
    assert_accessible(phone)
    # On a phone the grid is a list: no sideways scrolling.
    assert phone.evaluate("document.documentElement.scrollWidth") <= ARTIFACTS_WIDTH
    phone.get_by_role("button", name=button("Add to my schedule", "Phonics that sticks")).click()
    assert "Added “Phonics that sticks” to your schedule" in phone.locator(".messages").inner_text()
    # The clashing session says so where its button was, in view after the redirect
    # back to the chosen session (on a phone the page's messages are far above).
    clash = phone.locator("article.session-card", has_text="Restorative circles")
    note = clash.locator(".session-clash")
    assert "Overlaps “Phonics that sticks”, already in your schedule" in note.inner_text()
    note.scroll_into_view_if_needed()
    assert note.is_visible()
    assert clash.get_by_role("button").count() == 0
    assert_accessible(phone)
    # A full session offers its waiting list; keyboard only.
    join = phone.get_by_role("button", name=button("Join the waiting list", "Math talks"))
    join.focus()
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    assert "number 1 on its waiting list" in phone.locator(".messages").inner_text()
    phone.get_by_role("button", name=button("Add to my schedule", "Opening keynote")).click()

    phone.get_by_role("link", name="See my schedule").click()
    assert phone.locator("h1").inner_text() == "My schedule: TREC Educator Summit 2027"
    titles = phone.locator(".my-sessions h3").all_inner_texts()
    assert titles == ["Opening keynote", "Phonics that sticks", "Math talks"]
    assert phone.locator(".checkin-code svg").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= ARTIFACTS_WIDTH
    assert_accessible(phone)
    registration = Registration.objects.get(event=summit, user=educator)
    assert registration.session_choices.filter(status="confirmed").count() == 2

    # The summit's day comes (check-in opens on its first day): the sessions move to today.
    for moved in summit.sessions.all():
        moved.starts_at -= datetime.timedelta(days=10)
        moved.ends_at -= datetime.timedelta(days=10)
        moved.save(update_fields=["starts_at", "ends_at"])
    event_sync_schedule(event=summit)

    # At the desk, a staff member finds her by name on their own phone and checks her in.
    desk = browser.new_context(
        viewport={"width": ARTIFACTS_WIDTH, "height": 780}, locale="en-US"
    ).new_page()
    desk.set_default_timeout(10_000)
    sign_in(desk, live_server, staff)
    desk.goto(live_server.url + f"/events/{summit.slug}/check-in/scan/")
    assert_accessible(desk)
    desk.get_by_role("link", name="Search by name or e-mail instead").click()
    assert_accessible(desk)
    desk.get_by_label("Name or e-mail").fill("rosa di")
    desk.get_by_role("button", name="Search").click()
    desk.get_by_role("button", name=re.compile("Check in Rosa Diaz")).click()
    assert "Rosa Diaz is checked in." in desk.locator(".messages").inner_text()
    assert_accessible(desk)
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
