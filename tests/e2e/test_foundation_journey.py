"""A new educator finds the hub, signs up, verifies, signs in and completes the profile."""

import re

import pytest
from django.core import mail

from tests import factories
from trec.accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "sunlit-mesquite-42-garden"


def test_sign_up_and_onboard_in_the_browser(live_server, page, assert_accessible):
    district = factories.DistrictFactory(name="Marana Unified School District")
    factories.SchoolFactory(district=district, name="Twin Peaks K-8 School")

    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Grow as an educator, together."
    assert_accessible(page)

    page.get_by_role("link", name="Create account").click()
    assert page.locator("h1").inner_text() == "Sign Up"
    assert_accessible(page)

    # A weak password first: the form comes back with the error and the e-mail kept.
    page.get_by_label("Email").fill("winona.begay@example.org")
    page.get_by_label("Password", exact=False).first.fill("tooshort")
    page.get_by_label("Password (again)").fill("tooshort")
    page.get_by_role("button", name="Sign Up").click()
    assert "at least 12 characters" in page.locator("main").inner_text()
    assert page.get_by_label("Email").input_value() == "winona.begay@example.org"
    assert_accessible(page)

    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    assert "Verify Your Email Address" in page.locator("h1").inner_text()
    assert_accessible(page)

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    assert_accessible(page)
    # Confirming in the browser that signed up signs her in: the short profile comes next.
    page.get_by_role("button", name="Confirm").click()

    page.wait_for_url(re.compile(r"/me/welcome/"))
    assert page.locator("h1").inner_text().startswith("Welcome")
    assert_accessible(page)
    page.get_by_label("First name").fill("Winona")
    page.get_by_label("Last name").fill("Begay")
    page.get_by_label("Role").select_option(label="Coach")
    page.get_by_label("3–5").check()
    page.get_by_label("District or school system").select_option(label=district.name)
    page.get_by_role("button", name="Save and continue").click()

    page.wait_for_url(re.compile(r"/me/$"))
    assert "Your profile is saved" in page.locator(".messages").inner_text()
    assert page.locator("h1").inner_text() == "Hello, Winona Begay"
    assert_accessible(page)
    user = User.objects.get(email="winona.begay@example.org")
    assert user.role == User.Role.COACH and user.district == district


def test_keyboard_user_can_skip_to_content(live_server, page):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


def test_home_works_on_a_phone(live_server, browser, assert_accessible):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(live_server.url + "/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "the home page scrolls sideways on a 360 px phone"
    assert_accessible(page)
    context.close()
