"""The review desk in a real browser, with axe on its pages: a coordinator approves a
listing from the queue and later returns it with a comment; the provider edits and
saves it (it goes back for review); the coordinator sees what changed since the
approval and approves again; the audit log shows each step with the person who took it.
"""

import re

import pytest

from events import services
from events.models import Event
from tests import factories
from tests.e2e.test_catalog_journey import sign_in
from tests.factories import in_days

pytestmark = pytest.mark.django_db(transaction=True)


def test_review_approve_return_resubmit_and_audit(live_server, browser, page, assert_accessible):
    provider = factories.ProviderFactory(name="Sonoran Early Learning")
    staff = factories.ProviderStaffFactory(
        provider=provider, first_name="Lena", last_name="Ortiz", email="lena@sonoran.example.org"
    )
    coordinator = factories.CoordinatorFactory(first_name="Rosa", last_name="Parra")
    listing = factories.EventFactory(
        provider=provider,
        title="Storytime Strategies",
        status=Event.Status.DRAFT,
        published_at=None,
        capacity=20,
        sessions=[(in_days(10), in_days(10, hour=18))],
    )
    services.event_submit(event=listing, actor=staff)

    # The coordinator finds the desk on the back office's home page and approves.
    sign_in(page, live_server, coordinator)
    page.goto(live_server.url + "/admin/")
    page.get_by_role("link", name="Review desk").click()
    card = page.locator(f"#listing-{listing.pk}")
    assert "Sonoran Early Learning" in card.inner_text()
    assert "waiting under an hour" in card.inner_text()
    assert_accessible(page)
    card.get_by_role("button", name=re.compile("Approve and publish")).click()
    assert "“Storytime Strategies” is published" in page.locator(".messagelist").inner_text()
    assert "Nothing is waiting for review." in page.locator("#content-main").inner_text()

    # Later the coordinator sends it back with a comment (from the events list).
    page.goto(live_server.url + "/admin/events/event/?status__exact=published")
    page.get_by_role("checkbox", name=re.compile("Storytime Strategies")).check()
    page.get_by_label("Action:").select_option(label="Return to provider with a comment")
    page.get_by_role("button", name="Go").click()
    page.get_by_label("What should the provider change?").fill("Add the Spanish title, please.")
    page.get_by_role("button", name="Return with this comment").click()
    assert "Returned 1 listing" in page.locator(".messagelist").inner_text()

    # The provider edits and saves: it goes back for review.
    staff_context = browser.new_context()
    staff_page = staff_context.new_page()
    sign_in(staff_page, live_server, staff)
    staff_page.goto(live_server.url + f"/admin/events/event/{listing.pk}/change/")
    staff_page.get_by_label("Title in Spanish").first.fill("Estrategias para la hora del cuento")
    staff_page.get_by_label("Capacity").first.fill("25")
    staff_page.get_by_role("button", name="Save", exact=True).click()
    assert (
        "sent to the hub's coordinators for review"
        in staff_page.locator(".messagelist").inner_text()
    )
    staff_context.close()

    # The coordinator sees what changed since the approval, and approves again.
    page.goto(live_server.url + "/admin/events/event/review/")
    card = page.locator(f"#listing-{listing.pk}")
    changes = card.locator("table.changes")
    assert "What changed since it was last approved (2 fields)" in changes.inner_text()
    spanish = changes.locator("tr", has_text="Title in spanish").inner_text()
    assert "Estrategias para la hora del cuento" in spanish
    assert re.search(r"Capacity\s+20\s+25", changes.locator("tr", has_text="Capacity").inner_text())
    assert_accessible(page)
    card.get_by_role("button", name=re.compile("Approve and publish")).click()
    listing.refresh_from_db()
    assert listing.status == Event.Status.PUBLISHED

    # The audit log shows every step with who took it.
    page.goto(live_server.url + "/admin/")
    page.get_by_role("link", name="Audit log").click()
    page.get_by_label("Kind of object").select_option(label="Event")
    page.get_by_role("button", name="Filter").click()
    heads = page.locator(".audit-entry .audit-head").all_inner_texts()
    steps = [
        (action, who)
        for head in heads
        for action, who in [tuple(part.strip() for part in head.split("·")[1:3])]
        if action != "Changed" or who == "Lena Ortiz"
    ]
    assert steps[:5] == [
        ("Approved and published", "Rosa Parra"),
        ("Submitted for review", "Lena Ortiz"),
        ("Changed", "Lena Ortiz"),
        ("Returned to the provider", "Rosa Parra"),
        ("Approved and published", "Rosa Parra"),
    ]
    assert steps[5] == ("Submitted for review", "Lena Ortiz")
    assert_accessible(page)

    # The listing's own History tells the same story.
    page.goto(live_server.url + f"/admin/events/event/{listing.pk}/history/")
    history = page.locator("#content-main").inner_text()
    assert "Add the Spanish title, please." in history
    assert "Estrategias para la hora del cuento" in history
