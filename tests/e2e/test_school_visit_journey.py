"""A principal requests a school visit on a phone, without an account; the provider's
staff schedule it in the admin; the principal's private status page then shows it
scheduled with the date. Axe on every public page."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from events.models import Event
from providers.models import SessionRequest
from tests import factories
from tests.e2e.test_catalog_journey import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_request_a_school_visit_and_see_it_scheduled(live_server, browser, page, assert_accessible):
    provider = factories.ProviderFactory(name="TREC Collaborative")
    factories.OfferingFactory(
        provider=provider,
        title="Introduction to TREC Hub",
        position=1,
        durations=[("10-minute introduction to TREC Hub", 10)],
    )
    factories.OfferingFactory(
        provider=provider,
        title="Educator resiliency PD",
        position=2,
        durations=[("30-minute PD", 30), ("60-minute PD", 60)],
    )
    factories.DistrictFactory(name="Sunnyside Unified")
    staff = factories.ProviderStaffFactory(provider=provider)
    first_choice = timezone.localdate() + datetime.timedelta(days=16)

    # The principal finds the offering on the profile, on a 360px phone.
    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    phone.set_default_timeout(10_000)
    phone.goto(live_server.url + provider.get_absolute_url())
    assert_accessible(phone)
    resiliency = phone.locator(".offering", has_text="Educator resiliency PD")
    resiliency.get_by_role("link", name="Request a visit").click()
    phone.wait_for_url(re.compile(r"/request/\?offering="))
    assert phone.locator("h1").inner_text() == "Request a visit from TREC Collaborative"
    assert fits_the_screen(phone)
    assert_accessible(phone)

    # They fill the form, forgetting the audience size: the error sits by the field and
    # what they typed is kept.
    assert phone.locator("#id_offering option:checked").inner_text() == "Educator resiliency PD"
    phone.locator("#id_duration").select_option(label="60-minute PD")
    phone.locator("#id_school_name").fill("Borton Magnet Elementary")
    phone.locator("#id_district").select_option(label="Sunnyside Unified")
    phone.get_by_label("Your name").fill("Maria Lopez")
    phone.get_by_label("Your e-mail address").fill("mlopez@borton.example.org")
    phone.locator("#id_date_1").fill(first_choice.isoformat())
    phone.locator("#id_time_1").select_option("after_school")
    phone.get_by_label("Anything else the provider should know? (optional)").fill(
        "We meet in the library."
    )
    phone.wait_for_timeout(3200)  # people take longer than the minimum fill time
    phone.get_by_role("button", name="Send my request").focus()
    phone.keyboard.press("Enter")
    phone.locator(".form-errors").wait_for()  # the page came back with its errors
    audience = phone.locator(".field", has=phone.locator("#id_audience_size"))
    assert "Please estimate how many people will attend." in audience.inner_text()
    assert phone.locator("#id_school_name").input_value() == "Borton Magnet Elementary"
    assert phone.locator("#id_date_1").input_value() == first_choice.isoformat()
    assert fits_the_screen(phone)
    assert_accessible(phone)

    phone.locator("#id_audience_size").fill("35")
    phone.wait_for_timeout(3200)
    phone.get_by_role("button", name="Send my request").click()
    phone.wait_for_url(re.compile(r"/thanks/$"))

    # Thank-you page with the private link.
    assert phone.locator("h1").inner_text() == "Thank you: your request is on its way"
    assert_accessible(phone)
    session_request = SessionRequest.objects.get()
    assert session_request.duration.label == "60-minute PD"
    phone.locator(".request-link a").click()
    phone.wait_for_url(re.compile(r"/requests/[\w-]+/$"))
    assert phone.locator("#status-heading .badge").inner_text() == "New"
    assert fits_the_screen(phone)
    assert_accessible(phone)

    # The provider's staff schedule it from the queue in the admin.
    sign_in(page, live_server, staff)
    page.goto(live_server.url + "/admin/providers/sessionrequest/")
    page.get_by_role("link", name="Borton Magnet Elementary").click()
    assert page.locator("#id_schedule-date").input_value() == first_choice.isoformat()
    assert page.locator("#id_schedule-start_time").input_value() == "15:30"
    assert page.locator("#id_schedule-minutes").input_value() == "60"
    page.locator("#id_schedule-start_time").fill("14:30")
    page.get_by_role("button", name="Schedule and tell the school").click()
    page.wait_for_url(re.compile(r"/change/$"))
    assert "Scheduled: the visit is on the provider's calendar" in page.content()
    event = Event.objects.get()
    assert event.is_private and event.title == (
        "School visit: Educator resiliency PD at Borton Magnet Elementary"
    )

    # The principal's status page now shows the date.
    phone.reload()
    assert phone.locator("#status-heading .badge").inner_text() == "Scheduled"
    when = phone.locator(".request-when").inner_text()
    assert first_choice.strftime("%B %-d, %Y") in when and "2:30 PM" in when
    assert_accessible(phone)

    to_school = [m for m in mail.outbox if m.to == ["mlopez@borton.example.org"]]
    assert [m.subject.split(":")[0] for m in to_school] == ["We received your request", "Scheduled"]
    phone.context.close()
