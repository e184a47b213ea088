"""Educators propose sessions: the form (draft, submit, errors that keep what was typed,
a photo re-encoded like every upload), co-presenters invited by e-mail who confirm,
editing until the deadline, withdrawing, and the status on /me/."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from events.proposals.models import Presenter, Proposal
from tests import factories
from tests.proposals.factories import CallFactory, proposal
from tests.security.test_uploads import assert_clean, photo
from trec.notifications.models import Notification

pytestmark = pytest.mark.django_db


def form_data(call, **overrides):
    data = {
        "title": "Phonics that sticks",
        "abstract": "Decodable texts and routines for K-2.",
        "session_format": call.formats.get(minutes=60).pk,
        "grade_bands": [band.pk for band in factories.GradeBand.objects.all()[:1]],
        f"q{call.questions.get().pk}": "Three routines they can use on Monday.",
        "bio": "Teaches first grade in Tucson.",
        "co_presenters": "",
        "submit": "1",
    }
    data.update(overrides)
    return data


def messages_of(response) -> str:
    return BeautifulSoup(response.content, "html.parser").select_one(".messages").get_text(" ")


def test_the_form_asks_anonymous_visitors_to_sign_in(client):
    call = CallFactory()
    response = client.get(reverse("proposals:submit", args=[call.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_educator_submits_with_a_co_presenter_who_is_invited(client, educator):
    call = CallFactory()
    colleague = factories.EducatorFactory(email="ana@example.org")
    client.force_login(educator)

    response = client.post(
        reverse("proposals:submit", args=[call.slug]),
        form_data(
            call, co_presenters="Ana@Example.org\n", photo=SimpleUploadedFile("me.jpg", photo())
        ),
        follow=True,
    )

    proposal = Proposal.objects.get()
    assert proposal.status == Proposal.Status.SUBMITTED and proposal.submitted_at
    assert "is submitted" in messages_of(response)
    lead = proposal.presenters.get(is_lead=True)
    assert lead.user == educator and lead.bio == "Teaches first grade in Tucson."
    assert_clean(lead.photo.read(), "JPEG")
    invited = proposal.presenters.get(is_lead=False)
    assert (invited.email, invited.status) == ("ana@example.org", Presenter.Status.INVITED)
    assert Notification.objects.filter(
        recipient=colleague, kind="proposal_copresenter_invited", object_id=invited.pk
    ).exists()
    answers = proposal.answers
    assert answers == {str(call.questions.get().pk): "Three routines they can use on Monday."}


def test_a_co_presenter_without_an_account_is_invited_by_e_mail(
    client, educator, mailoutbox, django_capture_on_commit_callbacks
):
    call = CallFactory()
    client.force_login(educator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("proposals:submit", args=[call.slug]),
            form_data(call, co_presenters="new.colleague@school.example.org\n"),
        )
    invited = Presenter.objects.get(is_lead=False)
    row = Notification.objects.get(kind="proposal_copresenter_invited", object_id=invited.pk)
    assert row.recipient is None and row.email == "new.colleague@school.example.org"
    (message,) = [m for m in mailoutbox if m.to == ["new.colleague@school.example.org"]]
    assert "invites you to co-present" in message.subject
    assert message.body.startswith("Hello,")
    assert reverse("proposals:invitation", kwargs={"token": invited.token}) in message.body


def test_a_draft_is_saved_and_not_yet_submitted(client, educator):
    call = CallFactory()
    client.force_login(educator)
    data = form_data(call)
    del data["submit"]
    data["draft"] = "1"
    response = client.post(reverse("proposals:submit", args=[call.slug]), data, follow=True)
    assert Proposal.objects.get().status == Proposal.Status.DRAFT
    assert "Draft saved" in messages_of(response)


def test_errors_keep_what_was_typed(client, educator):
    call = CallFactory()
    client.force_login(educator)
    response = client.post(
        reverse("proposals:submit", args=[call.slug]),
        form_data(call, abstract="", co_presenters="not-an-address"),
    )
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one(".form-errors")
    assert page.select_one("#id_title")["value"] == "Phonics that sticks"
    assert "is not an e-mail address" in page.get_text()
    assert not Proposal.objects.exists()


def test_the_co_presenter_confirms_with_a_bio_and_sees_it_on_me(client):
    call = CallFactory()
    colleague = factories.EducatorFactory(email="ana@example.org")
    submitted = proposal(call, co_presenters=["ana@example.org"])
    invitation = submitted.presenters.get(is_lead=False)

    client.force_login(colleague)
    me = client.get(reverse("accounts:me"))
    assert "Invitations to co-present" in me.content.decode()
    response = client.post(
        reverse("proposals:invitation", args=[invitation.token]),
        {"accept": "1", "bio": "Reading coach."},
        follow=True,
    )
    invitation.refresh_from_db()
    assert invitation.status == Presenter.Status.CONFIRMED and invitation.user == colleague
    assert "You are a co-presenter" in messages_of(response)
    me = BeautifulSoup(client.get(reverse("accounts:me")).content, "html.parser")
    assert "Phonics that sticks" in me.select_one(".me-proposals").get_text()


def test_someone_else_cannot_answer_the_invitation(client, educator):
    submitted = proposal(CallFactory(), co_presenters=["ana@example.org"])
    client.force_login(educator)
    token = submitted.presenters.get(is_lead=False).token
    assert client.get(reverse("proposals:invitation", args=[token])).status_code == 403
    assert (
        client.post(reverse("proposals:invitation", args=[token]), {"accept": "1"}).status_code
        == 403
    )


def test_the_lead_edits_until_the_deadline_then_not(client, educator):
    call = CallFactory()
    submitted = proposal(call, educator)
    client.force_login(educator)
    url = reverse("proposals:edit", args=[submitted.pk])
    client.post(url, form_data(call, title="Phonics that sticks, 2nd edition"))
    submitted.refresh_from_db()
    assert submitted.title == "Phonics that sticks, 2nd edition"

    call.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    call.opens_at = call.closes_at - datetime.timedelta(days=10)
    call.save()
    assert "cannot be changed" in client.get(url).content.decode()
    response = client.post(url, form_data(call, title="Too late"), follow=True)
    assert "This call for proposals is closed." in messages_of(response)
    submitted.refresh_from_db()
    assert submitted.title == "Phonics that sticks, 2nd edition"


def test_only_presenters_see_a_proposal(client, educator):
    submitted = proposal(CallFactory())
    client.force_login(educator)
    assert client.get(submitted.get_absolute_url()).status_code == 404
    assert client.get(reverse("proposals:edit", args=[submitted.pk])).status_code == 404
    client.force_login(submitted.submitted_by)
    assert client.get(submitted.get_absolute_url()).status_code == 200


def test_the_lead_withdraws(client, educator):
    submitted = proposal(CallFactory(), educator)
    client.force_login(educator)
    response = client.post(reverse("proposals:withdraw", args=[submitted.pk]), follow=True)
    submitted.refresh_from_db()
    assert submitted.status == Proposal.Status.WITHDRAWN
    assert "withdrawn" in messages_of(response)
    assert (
        "Withdrawn"
        in BeautifulSoup(client.get(reverse("accounts:me")).content, "html.parser")
        .select_one(".me-proposals")
        .get_text()
    )


def test_the_public_call_page_and_list(client):
    call = CallFactory(title="Summit 2027: call for proposals")
    listing = client.get(reverse("proposals:calls"))
    assert "Summit 2027: call for proposals" in listing.content.decode()
    page = BeautifulSoup(client.get(call.get_absolute_url()).content, "html.parser")
    assert page.select_one("h1").get_text() == "Summit 2027: call for proposals"
    assert "Relevance" in page.get_text()
    assert page.find("a", string="Propose a session")


def test_the_program_page_links_its_open_call_only(client):
    call = CallFactory(title="Summit 2027: call for proposals")
    closed = CallFactory(event=call.event, title="Last year's call")
    closed.closes_at = timezone.now() - datetime.timedelta(days=1)
    closed.opens_at = closed.closes_at - datetime.timedelta(days=30)
    closed.save()
    panel = BeautifulSoup(client.get(call.event.get_absolute_url()).content, "html.parser")
    links = [a["href"] for a in panel.select(".program-links a")]
    assert call.get_absolute_url() in links
    assert closed.get_absolute_url() not in links
