"""A phone catalog search in a real browser: results come first, the filters wait in a
closed drawer, a choice applies at once (JavaScript) and keyboard focus stays on it."""

import re

import pytest
from playwright.sync_api import expect

from events.models import Event
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_phone_search_with_the_filter_drawer(live_server, browser, assert_accessible):
    factories.EventFactory(title="Phonics online", format=Event.Format.VIRTUAL)
    factories.EventFactory(title="Phonics on site", format=Event.Format.IN_PERSON)
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/events/")

    # Results first: the first card starts within the first screen; the drawer is closed.
    assert page.locator("header.site-header").bounding_box()["height"] <= 64
    assert page.locator(".event-list > li").first.bounding_box()["y"] < 800
    drawer = page.locator("details.filters-drawer")
    expect(drawer).not_to_have_attribute("open", "")
    expect(page.get_by_label("In person")).to_be_hidden()
    assert_accessible(page)

    # Open it, choose "In person": the page applies it without "Apply filters".
    page.locator("summary", has_text="Filters").click()
    page.get_by_label(re.compile(r"^In person")).check()
    page.wait_for_url(re.compile(r"format=in_person"))
    expect(page.locator("#results-heading")).to_have_text("1 result")
    expect(page.locator("summary.filters-drawer-toggle")).to_have_text("Filters (1 active)")
    # Focus is back on the radio that was chosen.
    assert page.evaluate("document.activeElement.id") == page.get_by_label(
        re.compile(r"^In person")
    ).get_attribute("id")
    assert page.locator(".event-list").inner_text().count("Phonics on site") == 1

    # On a wide screen the same page shows the filters without the drawer's button.
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(page.locator("summary.filters-drawer-toggle")).to_be_hidden()
    expect(page.get_by_role("button", name="Apply filters")).to_be_visible()
    context.close()
