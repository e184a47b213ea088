"""An educator downloads their data and deletes their account, on a phone and by
keyboard; an address that keeps guessing passwords sees the lockout page. Axe on every
page."""

import json
import re

import pytest

from tests import factories
from tests.e2e.test_catalog_journey import sign_in
from trec.accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def test_download_my_data_then_delete_my_account(live_server, browser, assert_accessible):
    person = factories.EducatorFactory(first_name="Dana", last_name="Whitehorse")
    factories.RegistrationFactory(user=person, event=factories.EventFactory(title="Phonics 101"))
    context = browser.new_context(viewport={"width": 360, "height": 740}, accept_downloads=True)
    page = context.new_page()
    sign_in(page, live_server, person)

    page.goto(live_server.url + "/me/")
    page.get_by_role("link", name="My data: download or delete").click()
    assert page.locator("h1").inner_text() == "My data"
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as JSON").click()
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert data["profile"]["last_name"] == "Whitehorse"
    assert data["registrations"][0]["event"] == "Phonics 101"

    page.get_by_role("link", name="Delete my account…").click()
    assert page.locator("h1").inner_text() == "Delete my account"
    assert_accessible(page)
    # By keyboard: the password, the confirmation box, then the button.
    page.get_by_label("Your password").fill(factories.PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert page.get_by_label(re.compile("I understand")).is_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/")
    assert "Your account has been deleted" in page.locator(".messages").inner_text()
    assert_accessible(page)
    tombstone = User.objects.get(pk=person.pk)
    assert tombstone.deleted_at is not None and tombstone.last_name == ""
    context.close()


def test_the_lockout_page(live_server, page, assert_accessible):
    for n in range(11):
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Email").fill(f"guess{n}@example.org")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Too many sign-in attempts"
    assert_accessible(page)
