"""A family thanks a teacher on the open wall; a partner moderator approves it from the
queue; it appears on the wall, gets a heart, prints, and its recipient is e-mailed.
Axe on every page."""

import re

import pytest
from django.core import mail

from gratitude.models import Post
from tests import factories
from tests.e2e.test_catalog_journey import sign_in
from tests.gratitude.conftest import make_wall

pytestmark = pytest.mark.django_db(transaction=True)


def test_post_moderate_and_see_it_on_the_wall(live_server, browser, page, assert_accessible):
    partner = factories.ProviderFactory(name="Tucson Values Teachers")
    moderator = factories.ProviderStaffFactory(provider=partner)
    wall = make_wall(partners=[partner])

    # A parent, not signed in, writes a thank-you (by keyboard and mouse, on a phone).
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    phone.goto(live_server.url + wall.get_absolute_url())
    assert_accessible(phone)
    phone.get_by_role("link", name=re.compile("Write a thank-you")).first.click()
    assert phone.locator("h1").inner_text() == "Thank an educator"
    assert_accessible(phone)
    phone.get_by_label("Who are you thanking?").fill("Ms. Rivera")
    phone.get_by_label("Your message").fill("Thank you for reading with my son every morning.")
    phone.get_by_label("Your name").fill("The Lopez family")
    phone.get_by_label("Their e-mail address (optional, never shown)").fill(
        "rivera@school.example.org"
    )
    phone.wait_for_timeout(3200)  # people take longer than the minimum fill time
    phone.get_by_role("button", name="Send my thank-you").click()
    assert "will appear after review" in phone.locator(".messages").inner_text()
    post = Post.objects.get(recipient_name="Ms. Rivera")
    assert post.status == Post.Status.PENDING
    assert "Ms. Rivera" not in phone.locator("main").inner_text().replace(
        phone.locator(".messages").inner_text(), ""
    )

    # The partner's moderator approves it from the queue.
    sign_in(page, live_server, moderator)
    page.goto(live_server.url + wall.get_absolute_url())
    assert "waiting for review" in page.locator("main").inner_text()
    page.goto(live_server.url + f"/gratitude/{wall.slug}/moderate/")
    assert_accessible(page)
    page.get_by_role("button", name="Approve Ms. Rivera").click()
    post.refresh_from_db()
    assert post.status == Post.Status.APPROVED

    # Everyone sees it on the wall; the recipient was told once.
    phone.goto(live_server.url + wall.get_absolute_url())
    assert "Thank you for reading with my son every morning." in phone.locator("main").inner_text()
    assert_accessible(phone)

    # A visitor sends a heart; the count is stored, once per browser session.
    phone.get_by_role("button", name=re.compile("Send a heart to Ms. Rivera")).click()
    assert phone.get_by_role("button", name=re.compile("Take back your heart")).count() == 1
    post.refresh_from_db()
    assert post.heart_count == 1

    # The whole wall prints as a gift.
    phone.goto(live_server.url + f"/gratitude/{wall.slug}/print/")
    assert "Thank you for reading with my son every morning." in phone.content()
    assert_accessible(phone)

    thanked = [m for m in mail.outbox if "rivera@school.example.org" in m.to]
    assert len(thanked) == 1
    assert thanked[0].alternatives and "Ms. Rivera" in thanked[0].body
