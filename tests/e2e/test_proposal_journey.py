"""An educator proposes a session with a co-presenter, who confirms; two reviewers
score it (one declares a conflict and can no longer see it); a coordinator accepts it
and schedules it into a slot; the presenter confirms; the session shows on the public
schedule with the presenters' bios; after the summit the presenter's transcript shows
the presenter credit. Axe on every page, keyboard only where a form is filled."""

import datetime
import re

import pytest
from django.utils import timezone

from events.proposals.models import Proposal, Slot
from tests import factories
from tests.e2e.test_catalog_journey import sign_in
from tests.proposals.factories import CallFactory, add_reviewer

pytestmark = pytest.mark.django_db(transaction=True)


def person(browser, live_server, user, width=1280):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server, user)
    return page


def messages(page) -> str:
    return page.locator(".messages").inner_text()


def test_propose_review_accept_schedule_confirm_and_earn(live_server, browser, assert_accessible):
    summit = factories.ProgramFactory(title="TREC Educator Summit 2027", slug="summit-2027")
    call = CallFactory(
        event=summit, title="Summit 2027: call for proposals", slug="summit-2027-cfp"
    )
    educator = factories.EducatorFactory(first_name="Rosa", last_name="Diaz")
    colleague = factories.EducatorFactory(
        first_name="Ana", last_name="Ruiz", email="ana@example.org"
    )
    reviewer_one = add_reviewer(call, factories.EducatorFactory(first_name="Lee"))
    reviewer_two = add_reviewer(call, factories.EducatorFactory(first_name="Kim"))
    coordinator = factories.CoordinatorFactory()

    # The educator proposes on a phone, with the keyboard for the text fields.
    phone = person(browser, live_server, educator, width=375)
    phone.goto(live_server.url + summit.get_absolute_url())
    phone.get_by_role("link", name=re.compile("^Propose a session")).click()
    assert phone.locator("h1").inner_text() == "Summit 2027: call for proposals"
    assert_accessible(phone)
    phone.get_by_role("link", name="Propose a session").click()
    assert_accessible(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.get_by_label("Title").fill("Phonics that sticks")
    phone.keyboard.press("Tab")
    phone.keyboard.type("Decodable texts and routines for K-2 classrooms.")
    phone.get_by_label("Format").select_option(label="Breakout (60 minutes)")
    phone.get_by_label("K–2").check()
    phone.get_by_label("What will participants take away?").fill("Three routines.")
    phone.get_by_label("Your bio").fill("First-grade teacher in Tucson for twelve years.")
    phone.get_by_label("Co-presenters' e-mail addresses (optional)").fill("ana@example.org")
    phone.get_by_role("button", name="Submit the proposal").click()
    assert "is submitted" in messages(phone)
    assert_accessible(phone)
    proposal = Proposal.objects.get()

    # The co-presenter finds the invitation on My hub and confirms with a bio.
    ana = person(browser, live_server, colleague)
    ana.goto(live_server.url + "/me/")
    ana.get_by_role("link", name="Phonics that sticks").click()
    assert_accessible(ana)
    ana.get_by_label("Your bio").fill("Reading coach.")
    ana.get_by_role("button", name="Confirm: I will co-present").click()
    assert "You are a co-presenter" in messages(ana)

    # Two reviewers: one scores it, the other declares a conflict and loses sight of it.
    review_url = f"{live_server.url}/calls/{call.slug}/review/"
    lee = person(browser, live_server, reviewer_one)
    lee.goto(review_url)
    assert_accessible(lee)
    lee.get_by_role("link", name="Phonics that sticks").click()
    assert "Rosa Diaz" in lee.locator(".presenter-list").inner_text()
    for criterion, score in (("Relevance", "5"), ("Practicality", "4"), ("Equity", "4")):
        lee.get_by_role("group", name=criterion).get_by_label(score, exact=True).check()
    lee.get_by_label("Comment for the committee (optional)").fill("Ready to use on Monday.")
    assert_accessible(lee)
    lee.get_by_role("button", name="Save my review").click()
    assert "Your review of “Phonics that sticks” is saved." in messages(lee)

    kim = person(browser, live_server, reviewer_two)
    kim.goto(review_url)
    kim.get_by_role("link", name="Phonics that sticks").click()
    kim.get_by_text("I have a conflict of interest").click()
    kim.get_by_label("Why (optional, seen by coordinators only)").fill("Same school as Rosa.")
    kim.get_by_role("button", name="Declare a conflict").click()
    assert "the proposal is hidden from you" in messages(kim)
    assert kim.get_by_role("link", name="Phonics that sticks").count() == 0
    hidden = kim.goto(f"{review_url}{proposal.pk}/")
    assert hidden.status == 404

    # The coordinator accepts it from the ranked table and schedules it.
    desk = person(browser, live_server, coordinator)
    desk.goto(f"{live_server.url}/calls/{call.slug}/manage/")
    assert_accessible(desk)
    row = desk.locator("tbody tr", has_text="Phonics that sticks")
    assert re.search(r"4\.33\s+—\s+1", row.inner_text())  # mean, spread, one review
    desk.get_by_label("Phonics that sticks").check()
    desk.get_by_label("Decision").select_option(label="Accept")
    desk.get_by_label("Message to the presenters (English, optional)").fill("See you in June!")
    desk.get_by_role("button", name="Apply to ticked").click()
    assert "1 proposal decided" in messages(desk)
    desk.get_by_role("link", name=re.compile("^Schedule")).click()
    assert_accessible(desk)
    slot = call.slots.first()
    desk.get_by_label("Time slot").select_option(value=str(slot.pk))
    desk.get_by_label("Room").select_option(label="Room 201 (30)")
    desk.get_by_role("button", name="Put it on the program").click()
    assert "is on the program" in messages(desk)

    # The presenter confirms from My hub.
    phone.goto(live_server.url + "/me/")
    assert "please confirm" in phone.locator(".me-proposals").inner_text()
    phone.get_by_role("link", name="Phonics that sticks").click()
    phone.get_by_role("button", name="Confirm that I will present").click()
    assert "your session is confirmed" in messages(phone)

    # Everyone sees it on the public schedule, with both presenters' bios.
    visitor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    visitor.goto(f"{live_server.url}/events/{summit.slug}/schedule/")
    card = visitor.locator(".session-card", has_text="Phonics that sticks")
    assert "Rosa Diaz" in card.inner_text() and "Ana Ruiz" in card.inner_text()
    assert "Reading coach." in card.inner_text()
    assert_accessible(visitor)

    # After the summit (its slot moved into the past), presenter hours reach the transcript.
    ended = timezone.now() - datetime.timedelta(days=1)
    Slot.objects.filter(pk=slot.pk).update(
        starts_at=ended, ends_at=ended + datetime.timedelta(hours=1)
    )
    desk.goto(f"{live_server.url}/calls/{call.slug}/manage/")
    desk.get_by_role("button", name="Give presenter hours now").click()
    assert "2 added" in messages(desk)
    phone.goto(live_server.url + "/me/transcript/")
    assert "Presenting a session" in phone.locator("main").inner_text()
    assert "Phonics that sticks" in phone.locator("main").inner_text()
    assert_accessible(phone)
