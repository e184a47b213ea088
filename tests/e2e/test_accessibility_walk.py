"""Accessibility pass: every main page, in English (desktop) and in Spanish (a 360px
phone), passes axe with no violation of any impact level; the language switcher,
registering for an event, posting to a gratitude wall and answering a survey work with
the keyboard alone, with focus always visible; a form with errors announces them.

A new page: add it to `public_pages` (or SIGNED_IN_PAGES). A new journey: drive it
with `keyboard_to` below.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from events.models import Registration
from gratitude.models import Post
from surveys.demo import _build_needs_survey
from tests import factories
from tests.communities.factories import CommunityFactory
from tests.e2e.test_catalog_journey import sign_in
from tests.gratitude.conftest import make_post, make_wall
from tests.transcripts.test_pages import cohort_credits
from trec.transcripts.services import certificate_issue

pytestmark = pytest.mark.django_db(transaction=True)

# Violations we accept, by axe rule id, each with its reason. Keep it empty if you can.
ALLOWED_VIOLATIONS: dict[str, str] = {}


@pytest.fixture
def assert_no_violations(axe):
    """Axe on the page: no violation of any impact level except ALLOWED_VIOLATIONS."""

    def check(page):
        results = axe.run(page)
        found = [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(str(node["target"][0]) for node in v["nodes"][:4])
            for v in results.response["violations"]
            if v["id"] not in ALLOWED_VIOLATIONS
        ]
        assert not found, f"axe on {page.url}:\n" + "\n".join(found)

    return check


def keyboard_to(page, pattern: str, *, limit: int = 80):
    """Press Tab until the focused element's text or label matches `pattern`; check that
    the focus is visible (an outline or a box shadow), and return its description."""
    wanted = re.compile(pattern)
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
              const el = document.activeElement;
              const style = getComputedStyle(el);
              const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
              return {
                text: (el.innerText || el.value || "").trim(),
                label: label.trim(),
                aria: el.getAttribute("aria-label") || "",
                outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
                shadow: style.boxShadow !== "none",
              };
            }"""
        )
        if any(wanted.search(focused[key]) for key in ("text", "label", "aria")):
            assert focused["outline"] or focused["shadow"], f"focus is invisible on {focused}"
            return focused
    raise AssertionError(f"Tab never reached {pattern!r} on {page.url}")


@pytest.fixture
def hub(db):
    provider = factories.ProviderFactory(name="Ben's Bells Project")
    event = factories.EventFactory(
        provider=provider,
        title="Trauma-informed Classrooms",
        title_es="Aulas informadas sobre el trauma",
        capacity=10,
    )
    community = CommunityFactory(title="New Teachers", title_es="Docentes nuevos")
    wall = make_wall()
    make_post(wall)
    educator = factories.EducatorFactory(first_name="Ana", last_name="Ruiz")
    cohort = cohort_credits(educator)
    certificate = certificate_issue(user=educator, kind="community", key=str(cohort.pk))
    factories.TopicFactory(name="Early literacy")
    survey = _build_needs_survey()
    return {
        "survey": survey,
        "event": event,
        "provider": provider,
        "community": community,
        "wall": wall,
        "educator": educator,
        "certificate": certificate,
    }


def public_pages(hub) -> list[str]:
    return [
        "/",
        "/events/",
        hub["event"].get_absolute_url(),
        reverse("providers:directory"),
        reverse("providers:detail", kwargs={"slug": hub["provider"].slug}),
        "/communities/",
        hub["community"].get_absolute_url(),
        "/gratitude/",
        hub["wall"].get_absolute_url(),
        f"/surveys/{hub['survey'].slug}/",
        "/impact/",
        hub["certificate"].get_absolute_url(),
        "/accessibility/",
        "/accounts/login/",
        "/accounts/signup/",
        "/no-such-page/",
    ]


SIGNED_IN_PAGES = ["/me/", "/me/transcript/"]


@pytest.mark.parametrize(
    ("language", "width", "h1"),
    [("en", 1280, "Grow as an educator, together."), ("es", 360, "Crecer como educadores")],
)
def test_every_main_page_passes_axe(
    live_server, browser, hub, assert_no_violations, language, width, h1
):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale=language, extra_http_headers={}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(live_server.url + "/")
        if width <= 360:  # a compact header: brand and a menu button, opened by keyboard
            assert page.locator("header.site-header").bounding_box()["height"] <= 64
            sign_in_link = page.locator("header .account-nav a").first
            expect(sign_in_link).to_be_hidden()
            keyboard_to(page, r"^Men[uú]$")
            page.keyboard.press("Enter")
            expect(sign_in_link).to_be_visible()
        if language == "es":  # the switcher, by keyboard
            keyboard_to(page, r"^Español$")
            page.keyboard.press("Enter")
            expect(page.locator("html")).to_have_attribute("lang", "es")
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("h1").inner_text().startswith(h1)
        for path in public_pages(hub):
            page.goto(live_server.url + path)
            assert page.locator("html").get_attribute("lang") == language, path
            assert page.locator("h1").count() == 1, path
            if width <= 360:
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth > window.innerWidth + 1"
                )
                assert not overflow, f"{path} scrolls sideways on a 360px phone"
            assert_no_violations(page)
        # Signing in applies the profile's language (English by default).
        hub["educator"].preferred_language = language
        hub["educator"].save(update_fields=["preferred_language"])
        if language == "en":
            sign_in(page, live_server, hub["educator"])
        else:
            page.goto(live_server.url + "/accounts/login/")
            page.locator("#id_login").fill(hub["educator"].email)
            page.locator("#id_password").fill(factories.PASSWORD)
            page.locator("main form button[type=submit]").click()
            page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))
        for path in SIGNED_IN_PAGES:
            page.goto(live_server.url + path)
            assert page.locator("html").get_attribute("lang") == language, path
            assert_no_violations(page)
    finally:
        context.close()


def test_a_form_with_errors_announces_them(live_server, page, hub, assert_no_violations):
    sign_in(page, live_server, hub["educator"])
    page.goto(live_server.url + reverse("accounts:profile"))
    page.get_by_label("First name").fill("")
    page.locator("main form button[type=submit]").last.click()
    summary = page.locator(".form-errors[role=alert]")
    expect(summary).to_have_count(1)
    expect(summary.locator(".form-error-fields a")).to_have_text(["First name"])
    assert page.evaluate("document.activeElement.classList.contains('form-errors')")
    field = page.get_by_label("First name")
    assert field.get_attribute("aria-invalid") == "true"
    described = field.get_attribute("aria-describedby").split()
    assert "id_first_name_error" in described
    assert page.locator("#id_first_name_error").inner_text().strip() != ""
    assert_no_violations(page)


def test_register_for_an_event_with_the_keyboard_only(live_server, page, hub):
    educator = factories.EducatorFactory()
    sign_in(page, live_server, educator)
    page.goto(live_server.url + "/events/")
    keyboard_to(page, r"Trauma-informed Classrooms")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(hub["event"].slug))
    keyboard_to(page, r"^Register$")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("You're registered.")
    registration = Registration.objects.get(user=educator, event=hub["event"])
    assert registration.status == Registration.Status.CONFIRMED


def test_post_to_a_gratitude_wall_with_the_keyboard_only(live_server, page, hub):
    page.goto(live_server.url + hub["wall"].get_absolute_url())
    keyboard_to(page, r"Write a thank-you")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/post/"))
    keyboard_to(page, r"Who are you thanking\?")
    page.keyboard.type("Mr. Begay")
    keyboard_to(page, r"Your message")
    page.keyboard.type("Thank you for staying late to help with fractions.")
    keyboard_to(page, r"Your name")
    page.keyboard.type("A grateful parent")
    page.wait_for_timeout(3200)  # people take longer than the minimum fill time
    keyboard_to(page, r"Send my thank-you")
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("will appear after review")
    assert Post.objects.filter(recipient_name="Mr. Begay", status=Post.Status.PENDING).exists()


def test_answer_the_needs_survey_with_the_keyboard_only(live_server, page, hub):
    from surveys.models import Response

    page.goto(live_server.url + f"/surveys/{hub['survey'].slug}/")
    # Page 1: a radio group is one Tab stop; Space picks the focused option and the
    # arrow keys move to the next one.
    keyboard_to(page, r"^Classroom teacher")
    page.keyboard.press("ArrowDown")  # the next role: Counselor
    keyboard_to(page, r"^Birth–pre-K")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # into the districts: the first one
    assert page.evaluate("document.activeElement.type") == "radio"
    page.keyboard.press("Space")
    keyboard_to(page, r"^Next page$")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("Page 2 of 2")
    # Page 2: choose a first topic from a select, agree, and answer the mentoring question.
    keyboard_to(page, r"^First choice")
    page.keyboard.press("ArrowDown")
    keyboard_to(page, r"^Strongly disagree")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # Agree
    keyboard_to(page, r"^Yes$")
    page.keyboard.press("Space")
    keyboard_to(page, r"^Submit my answers$")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Thank you!")
    assert Response.objects.count() == 1
