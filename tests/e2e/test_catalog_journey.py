"""The catalog journey in a real browser, with axe on every page:

an educator finds an event by search and filters and registers; a second educator
lands on the waiting list; the first cancels and the second is promoted and sees it;
the private calendar feed lists the event; a coordinator approves a submitted listing
in the back office; the provider checks people in on the roster.
"""

import datetime
import re

import pytest
from django.utils import timezone

from events.models import Attendance, Event
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, user):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))


def test_find_register_wait_and_be_promoted(live_server, browser, page, assert_accessible):
    provider = factories.ProviderFactory(name="Ben's Bells Project")
    webinar = factories.EventFactory(
        provider=provider,
        title="Trauma-informed Classrooms",
        kind=Event.Kind.WEBINAR,
        capacity=1,
        join_url="https://meet.example.org/kindness",
    )
    factories.EventFactory(title="Robotics for Beginners", kind=Event.Kind.EVENT)
    ana = factories.EducatorFactory(first_name="Ana", last_name="Ruiz")
    ben = factories.EducatorFactory(first_name="Ben", last_name="Lee")

    # Ana searches, narrows to webinars and registers for the last seat.
    sign_in(page, live_server, ana)
    page.goto(live_server.url + "/events/")
    assert_accessible(page)
    page.get_by_label("Search events, programs and resources").fill("trauma")
    page.get_by_role("button", name="Search").click()
    page.get_by_label(re.compile(r"^Webinar")).check()
    page.get_by_role("button", name="Apply filters").click()
    assert "kind=webinar" in page.url and "q=trauma" in page.url
    results = page.locator("main h2, main h3").all_inner_texts()
    assert "Trauma-informed Classrooms" in " ".join(results)
    assert "Robotics for Beginners" not in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Trauma-informed Classrooms").click()
    assert page.locator("h1").inner_text() == "Trauma-informed Classrooms"
    assert_accessible(page)
    page.get_by_role("button", name="Register", exact=True).click()
    assert "You're registered." in page.locator("main").inner_text()
    assert page.get_by_role("link", name=re.compile("meet.example.org|Join")).count() >= 1
    assert_accessible(page)

    # Ben finds it full and joins the waiting list.
    ben_context = browser.new_context(viewport={"width": 390, "height": 844})
    ben_page = ben_context.new_page()
    sign_in(ben_page, live_server, ben)
    ben_page.goto(live_server.url + webinar.get_absolute_url())
    ben_page.get_by_role("button", name="Join the waiting list").click()
    assert "You are number 1 on the waiting list." in ben_page.locator("main").inner_text()
    assert "meet.example.org" not in ben_page.content()
    assert_accessible(ben_page)

    # Ana cancels (the page asks first); Ben is promoted in the same transaction and sees
    # it. Ana is offered no undo: her seat is Ben's now.
    page.locator("summary", has_text="Cancel my registration").click()
    page.get_by_role("button", name="Yes, cancel my registration").click()
    assert "Your registration is cancelled." in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Undo: keep my seat").count() == 0
    ben_page.reload()
    assert "You're registered." in ben_page.locator("main").inner_text()

    # Ben cancels by mistake with nobody waiting: he undoes it and keeps his seat.
    ben_page.locator("summary", has_text="Cancel my registration").click()
    ben_page.get_by_role("button", name="Yes, cancel my registration").click()
    assert "Your registration is cancelled." in ben_page.locator("main").inner_text()
    ben_page.get_by_role("button", name="Undo: keep my seat").click()
    assert (
        "You're registered for Trauma-informed Classrooms." in ben_page.locator("main").inner_text()
    )

    # Ben's hub lists it, and his private calendar feed has it with the join link.
    ben_page.goto(live_server.url + "/me/")
    assert (
        "Trauma-informed Classrooms" in ben_page.locator("#me-upcoming").locator("..").inner_text()
    )
    assert_accessible(ben_page)
    feed_url = ben_page.get_by_label("Private feed address").input_value()
    feed = ben_page.request.get(feed_url.replace("http://127.0.0.1:8000", live_server.url))
    assert feed.ok and "SUMMARY:Trauma-informed Classrooms" in feed.text()
    assert "meet.example.org/kindness" in feed.text()
    ben_context.close()


def test_coordinator_approves_and_provider_checks_people_in(
    live_server, browser, page, assert_accessible
):
    provider = factories.ProviderFactory(name="SAZAEYC")
    staff = factories.ProviderStaffFactory(provider=provider)
    coordinator = factories.CoordinatorFactory()
    # Under way now: it can still be published, and people can be checked in.
    now = timezone.now()
    listing = factories.EventFactory(
        provider=provider,
        title="Play-based Learning in Pre-K",
        status=Event.Status.SUBMITTED,
        published_at=None,
        sessions=[(now - datetime.timedelta(hours=1), now + datetime.timedelta(hours=2))],
    )

    # The coordinator approves the submitted listing from the back office.
    sign_in(page, live_server, coordinator)
    page.goto(live_server.url + "/admin/events/event/?status__exact=submitted")
    page.get_by_role("checkbox", name=re.compile("Play-based Learning")).check()
    page.get_by_label("Action:").select_option(label="Approve and publish")
    page.get_by_role("button", name="Go").click()
    assert "published" in page.locator(".messagelist").inner_text().lower()
    listing.refresh_from_db()
    assert listing.status == Event.Status.PUBLISHED

    # Educators register; the provider checks one of them in on the roster.
    attendee = factories.RegistrationFactory(event=listing).user
    factories.RegistrationFactory(event=listing)
    staff_context = browser.new_context()
    staff_page = staff_context.new_page()
    sign_in(staff_page, live_server, staff)
    staff_page.goto(live_server.url + f"/admin/events/event/{listing.pk}/roster/")
    assert "Confirmed (2)" in staff_page.locator("#content").inner_text()
    assert_accessible(staff_page)
    staff_page.get_by_label(re.compile(f"{attendee.get_full_name()} attended")).check()
    staff_page.get_by_role("button", name="Save attendance").click()
    assert "1 checked in" in staff_page.locator(".messagelist").inner_text()
    assert Attendance.objects.filter(registration__user=attendee).count() == 1
    staff_context.close()
