"""The Community of Practice journey in a real browser, with axe on every page:

an educator applies; a coordinator accepts her on the roster; the facilitator marks two
meetings attended on the attendance grid; she opens a thread on the discussion board;
her transcript shows the hours; she gets the certificate, downloads its PDF, and its
code verifies on the public page.
"""

import re

import pytest

from communities.models import Membership
from tests import factories
from tests.communities.factories import CommunityFactory, MeetingFactory
from trec.transcripts.models import Certificate, Credit

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, user):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))


def test_apply_accept_attend_transcript_and_certificate(
    live_server, browser, page, assert_accessible
):
    coordinator = factories.CoordinatorFactory()
    facilitator = factories.EducatorFactory(first_name="Fran", last_name="Molina")
    community = CommunityFactory(title="Equitable Grading", facilitators=[facilitator])
    MeetingFactory(community=community, title="Kick-off", duration_minutes=90)
    MeetingFactory(community=community, title="Gradebook audit", duration_minutes=90)
    ana = factories.EducatorFactory(first_name="Ana", last_name="Ruiz")

    # Ana applies.
    sign_in(page, live_server, ana)
    page.goto(live_server.url + community.get_absolute_url())
    assert page.locator("h1").inner_text() == "Equitable Grading"
    assert_accessible(page)
    page.get_by_label("What do you hope to learn?").fill("How to grade fairly across schools.")
    page.get_by_role("button", name="Send my application").click()
    assert "Your application to Equitable Grading is sent." in page.locator("main").inner_text()
    assert_accessible(page)

    # The coordinator accepts her on the roster.
    staff_context = browser.new_context(viewport={"width": 1280, "height": 900})
    staff_page = staff_context.new_page()
    sign_in(staff_page, live_server, coordinator)
    staff_page.goto(live_server.url + f"/communities/{community.slug}/roster/")
    assert_accessible(staff_page)
    staff_page.get_by_label(re.compile("Ana Ruiz")).check()
    staff_page.get_by_label("Decision").select_option("accept")
    staff_page.get_by_role("button", name="Apply to ticked").click()
    assert "1 application updated" in staff_page.locator("main").inner_text()
    assert Membership.objects.get(user=ana).status == Membership.Status.ACCEPTED
    staff_context.close()

    # The facilitator marks both meetings on the attendance grid, on a phone.
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    phone_page = phone.new_page()
    sign_in(phone_page, live_server, facilitator)
    phone_page.goto(live_server.url + f"/communities/{community.slug}/attendance/")
    assert_accessible(phone_page)
    phone_page.get_by_label(re.compile("^Ana Ruiz attended Kick-off")).check()
    phone_page.get_by_label(re.compile("^Ana Ruiz attended Gradebook audit")).check()
    phone_page.get_by_role("button", name="Save attendance").click()
    assert "2 marked present" in phone_page.locator("main").inner_text()
    assert Credit.objects.filter(user=ana).count() == 2
    phone.close()

    # Ana, now a member, opens a thread on the discussion board.
    page.goto(live_server.url + community.get_absolute_url())
    page.get_by_role("link", name="Open the discussion board").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Retakes?")
    page.get_by_label("Message").fill("Do you allow **retakes** on quizzes?")
    page.get_by_role("button", name="Post thread").click()
    assert page.locator("h1").inner_text() == "Retakes?"
    assert page.locator(".post-body strong").inner_text() == "retakes"
    assert_accessible(page)

    # Her transcript shows the hours; she gets the community certificate.
    page.goto(live_server.url + "/me/transcript/")
    assert "Total hours 3" in " ".join(page.locator("main").inner_text().split())
    assert_accessible(page)
    pdf_href = page.get_by_role("link", name="Download PDF").get_attribute("href")
    transcript_pdf = page.request.get(live_server.url + pdf_href)
    assert transcript_pdf.ok and transcript_pdf.body().startswith(b"%PDF")
    page.get_by_role("button", name=re.compile("Equitable Grading")).click()
    certificate = Certificate.objects.get(user=ana, kind=Certificate.Kind.COMMUNITY)
    assert "Valid certificate." in page.locator("main").inner_text()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the certificate (PDF)").click()
    path = download.value.path()
    with open(path, "rb") as handle:
        assert handle.read(4) == b"%PDF"
    assert download.value.suggested_filename == f"certificate-{certificate.code}.pdf"

    # Anyone can verify the code on the public page.
    public = browser.new_context()
    public_page = public.new_page()
    public_page.goto(live_server.url + f"/certificates/{certificate.code.lower()}/")
    main = " ".join(public_page.locator("main").inner_text().split())
    assert "Valid certificate." in main
    assert "Ana Ruiz" in main and certificate.code in main and "3 clock hours" in main
    assert ana.email not in main
    assert_accessible(public_page)
    public.close()
