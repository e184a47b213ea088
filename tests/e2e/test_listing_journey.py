"""Listing fast in a real browser, with axe on every page: provider staff list a new
event, give it a 6-session weekly series with the generator, duplicate it onto new
dates, and send both for review with one bulk action; on a 1366 px screen the event
list shows every column, the Roster link included."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Event
from tests import factories
from tests.e2e.test_catalog_journey import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def said(page, text: str) -> None:
    expect(page.locator(".messagelist li").filter(has_text=text)).to_have_count(1)


def test_a_provider_lists_a_series_duplicates_it_and_submits_both(
    live_server, browser, assert_accessible
):
    provider = factories.ProviderFactory(name="Sonoran Early Learning")
    staff = factories.ProviderStaffFactory(provider=provider)
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server, staff)

    # A new listing, saved without sessions yet.
    page.goto(live_server.url + "/admin/events/event/add/")
    page.locator("#id_title").fill("Family Literacy Nights")
    page.locator("#id_summary").fill("Six evenings of read-alouds for families.")
    page.get_by_role("button", name="Save and continue editing").click()
    assert "Family Literacy Nights" in page.locator("#content").inner_text()
    event = Event.objects.get(title="Family Literacy Nights")

    # The generator: six weekly sessions at 4:30 pm, ninety minutes each.
    page.get_by_role("link", name="Add a series of sessions").click()
    assert_accessible(page)
    first = timezone.localdate() + datetime.timedelta(days=14)
    page.get_by_label("First session on").fill(first.isoformat())
    page.get_by_label("Starts at").fill("16:30")
    page.get_by_label("Length (minutes)").fill("90")
    page.get_by_label("Every week").check()
    page.get_by_label("Number of sessions").fill("6")
    page.get_by_role("button", name="Add the sessions").click()
    said(page, "6 sessions were added")
    assert event.sessions.count() == 6

    # Duplicate it, the whole series moved ten weeks on.
    page.get_by_role("link", name="Duplicate", exact=True).click()
    assert_accessible(page)
    page.get_by_label("New date of the first session").fill(
        (first + datetime.timedelta(weeks=10)).isoformat()
    )
    page.get_by_role("button", name="Make the copy").click()
    said(page, "was copied as a draft")
    copy = Event.objects.exclude(pk=event.pk).get()
    assert copy.status == Event.Status.DRAFT
    assert copy.sessions.count() == 6
    assert timezone.localtime(copy.starts_at).date() == first + datetime.timedelta(weeks=10)

    # Another session is one click: it starts a week after the last one, same time.
    page.get_by_role("button", name="Add another session").click()
    last_day = first + datetime.timedelta(weeks=15)
    expect(page.locator("[name='sessions-6-starts_at']")).to_have_value(
        f"{(last_day + datetime.timedelta(weeks=1)).isoformat()}T16:30"
    )
    expect(page.locator("[name='sessions-6-ends_at']")).to_have_value(
        f"{(last_day + datetime.timedelta(weeks=1)).isoformat()}T18:00"
    )

    # Both, submitted at once from the list (which opens on upcoming listings).
    page.goto(live_server.url + "/admin/events/event/")
    assert_accessible(page)
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 2
    # At 1366 px every column fits: the Roster link is on screen.
    roster = rows.first.get_by_role("link", name="Roster")
    box = roster.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1366
    page.locator("#action-toggle").check()
    page.get_by_label("Action:").select_option(label="Submit for review")
    page.get_by_role("button", name="Go").click()
    # The new listing went for review when it was first saved; the copy goes now.
    said(page, "1 listing was sent to the hub's coordinators for review.")
    said(page, "“Family Literacy Nights” is already waiting for a coordinator's review.")

    page.get_by_role("link", name="Needs review").click()
    page.wait_for_url(re.compile(r"when=review"))
    statuses = page.locator("#result_list tbody td.field-status")
    assert statuses.all_inner_texts() == ["Submitted for review", "Submitted for review"]
    assert set(Event.objects.values_list("status", flat=True)) == {Event.Status.SUBMITTED}

    # A coordinator's list has the provider column and filter too, and still fits.
    context.close()
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-US")
    page = context.new_page()
    sign_in(page, live_server, factories.CoordinatorFactory())
    page.goto(live_server.url + "/admin/events/event/?when=all")
    roster = page.locator("#result_list tbody tr").first.get_by_role("link", name="Roster")
    box = roster.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1366
    context.close()
