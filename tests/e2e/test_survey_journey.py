"""An educator answers the yearly needs survey on a 360px phone (two pages, skip logic,
topic ranking), then a coordinator reads the report with a crosstab and the gap
report. Axe on every page."""

import re

import pytest

from surveys.demo import NEEDS_SLUG, _build_needs_survey
from surveys.models import Response
from tests import factories
from tests.e2e.test_catalog_journey import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_take_the_needs_survey_on_a_phone_then_read_the_report(
    live_server, browser, page, assert_accessible
):
    for name in ("Early literacy", "STEM and science", "Classroom management"):
        factories.TopicFactory(name=name)
    factories.DistrictFactory(name="Sunnyside Unified")
    factories.DistrictFactory(name="Marana Unified")
    factories.EventFactory(title="Reading Workshop", topics=[], capacity=20)
    survey = _build_needs_survey()
    coordinator = factories.CoordinatorFactory()

    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    phone.goto(live_server.url + f"/surveys/{NEEDS_SLUG}/")
    assert phone.locator("h1").inner_text() == "2026–27 Educator Needs Survey"
    assert "Page 1 of 2" in phone.locator("main").inner_text()
    assert_accessible(phone)
    # nothing wider than the screen
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    # Submitting page 1 empty shows errors next to the questions
    phone.get_by_role("button", name="Next page").click()
    assert (
        "Please correct the 3 answers marked below." in phone.locator(".form-errors").inner_text()
    )
    assert_accessible(phone)

    phone.get_by_label("Counselor").check()
    phone.get_by_label("K–2", exact=True).check()
    phone.get_by_label("Sunnyside Unified").check()
    phone.get_by_role("button", name="Next page").click()
    assert "Page 2 of 2" in phone.locator("main").inner_text()

    phone.get_by_label("First choice").select_option(label="STEM and science")
    phone.get_by_label("Second choice").select_option(label="Early literacy")
    phone.get_by_label("Agree", exact=True).check()
    phone.get_by_label("Live webinars").check()
    phone.get_by_label("How many hours of PD would you like this school year?").fill("12")
    support = phone.get_by_label("What support would help you as a mentor?")
    assert not support.is_visible()  # shown only after "Yes" (the server checks it too)
    phone.get_by_label("Yes", exact=True).check()
    assert support.is_visible()
    support.fill("Release time to observe")
    assert_accessible(phone)
    phone.get_by_role("button", name="Submit my answers").click()
    assert phone.locator("h1").inner_text() == "Thank you!"
    assert_accessible(phone)

    response = Response.objects.get(survey=survey)
    assert response.user_id is None and response.role == "counselor"
    assert response.grade_band.code == "k-2"
    assert response.answers.filter(text="Release time to observe").exists()

    # The coordinator reads the report, crosstabbed by grade band, and the gaps.
    sign_in(page, live_server, coordinator)
    page.goto(live_server.url + f"/surveys/{NEEDS_SLUG}/report/")
    assert page.locator(".figure-responses").inner_text() == "1"
    assert_accessible(page)
    page.get_by_label("Crosstab every question by").select_option("grade_band")
    page.get_by_role("button", name="Show").click()
    assert re.search(r"by=grade_band", page.url)
    assert "K–2 (n=1)" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Needs versus supply gaps").click()
    assert page.locator("h1").inner_text() == "Needs versus supply: the PD to create next"
    assert "STEM and science" in page.locator("table.gaps-table").inner_text()
    assert_accessible(page)
