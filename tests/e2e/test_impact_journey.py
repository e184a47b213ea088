"""A coordinator opens the impact dashboard, presses one button (by keyboard) and sees
the year's report; a visitor on a 360px phone reads the public report. Axe on every
page."""

import datetime

import pytest
from django.utils import timezone

from events.models import Attendance
from tests import factories
from tests.e2e.test_catalog_journey import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _a_year_of_activity():
    """Six educators from one district at a workshop ten days ago: the year of that day."""
    day = timezone.localdate() - datetime.timedelta(days=10)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(15)))
    district = factories.DistrictFactory(name="Sunnyside Unified")
    workshop = factories.EventFactory(
        title="Math Talks Workshop",
        published_at=start - datetime.timedelta(days=30),
        sessions=[(start, start + datetime.timedelta(hours=2))],
        topics=[factories.TopicFactory(name="Mathematics instruction")],
    )
    session = workshop.sessions.get()
    for _ in range(6):
        registration = factories.RegistrationFactory(
            event=workshop,
            user=factories.EducatorFactory(district=district, students_served=30),
        )
        Attendance.objects.create(registration=registration, session=session)
    return day.year


def test_recompute_and_read_the_report(live_server, browser, page, assert_accessible):
    year = _a_year_of_activity()
    coordinator = factories.CoordinatorFactory()

    sign_in(page, live_server, coordinator)
    page.goto(live_server.url + "/impact/dashboard/")
    assert page.locator("h1").inner_text() == "Impact dashboard"
    page.get_by_label("Report for").select_option("year")
    page.get_by_label("Year", exact=False).first.fill(str(year))
    page.get_by_role("button", name="Show").click()
    assert "No figures for this period yet." in page.locator(".impact-status").inner_text()
    assert_accessible(page)

    # One button, pressed from the keyboard.
    page.get_by_role("button", name="Compute now").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/impact/dashboard/?**")
    assert page.locator(".impact-status-text").inner_text() == "Up to date"
    assert page.locator("#figure-educators_served td").first.inner_text() == "6"
    assert page.locator("#figure-students_impacted td").first.inner_text() == "180"
    assert page.get_by_role("link", name="Download CSV (every figure)").is_visible()
    assert_accessible(page)

    # A visitor on a small phone reads the public report.
    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    phone.goto(live_server.url + "/impact/")
    assert phone.locator("h1").inner_text() == f"Impact report {year}"
    first = phone.locator(".impact-headline li").first.inner_text()
    assert first.startswith("6") and "Educators served" in first
    # District with 6 people is shown; the chart is an image, its table folded under
    # "Show the figures" on a phone until tapped.
    reach = phone.locator("figure", has_text="Reach by district")
    assert not reach.locator("table").is_visible()
    reach.get_by_text("Show the figures").click()
    assert "Sunnyside Unified" in reach.locator("table").inner_text()
    assert reach.locator("svg[role=img]").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(phone)
    phone.context.close()
