"""A community's "E-mail the cohort" page does what "E-mail registrants" does, through
the same component (trec.notifications.staff_messages): choose the audience (members,
waiting list and applicants, those who attended a meeting, everyone), preview, a test
to yourself, Markdown as HTML with clean text, replies to the sender, a link to the
community, and a log of what was sent to whom, also on the community's back-office page."""

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.urls import reverse

from communities.models import Membership
from tests.factories import CoordinatorFactory, EducatorFactory
from trec.notifications.models import Notification, StaffMessage

from .factories import CommunityFactory, MeetingAttendanceFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db
Status = Membership.Status


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def cohort():
    community = CommunityFactory(title="Equitable Grading")
    people = {
        "ana": MembershipFactory(
            community=community, status=Status.ACCEPTED, user=EducatorFactory(email="ana@x.org")
        ),
        "ben": MembershipFactory(
            community=community, status=Status.ACCEPTED, user=EducatorFactory(email="ben@x.org")
        ),
        "cy": MembershipFactory(
            community=community, status=Status.WAITLISTED, user=EducatorFactory(email="cy@x.org")
        ),
        "dee": MembershipFactory(
            community=community, status=Status.APPLIED, user=EducatorFactory(email="dee@x.org")
        ),
        "eve": MembershipFactory(
            community=community, status=Status.DECLINED, user=EducatorFactory(email="eve@x.org")
        ),
    }
    MeetingAttendanceFactory(meeting=MeetingFactory(community=community), membership=people["ana"])
    return community


def test_facilitators_choose_the_audience_preview_test_send_and_see_the_log(
    client, cohort, django_capture_on_commit_callbacks
):
    facilitator = EducatorFactory(email="fac@x.org")
    cohort.facilitators.add(facilitator)
    client.force_login(facilitator)
    url = reverse("communities:email", args=[cohort.slug])

    page = soup(client.get(url))
    labels = " ".join(label.get_text(" ", strip=True) for label in page.select("label"))
    assert "Members (2)" in labels
    assert "On the waiting list or awaiting a decision (2)" in labels
    assert "People who attended a meeting (1)" in labels
    assert "Everyone: members, waiting and applicants (4)" in labels
    assert page.select_one("input[name=audience][value=confirmed]").has_attr("checked")
    assert "Replies go to fac@x.org" in page.get_text()

    typed = {
        "subject": "Reading for March",
        "body": "Read **chapter 4**, see [notes](https://x.org/n).",
    }
    # Preview: nothing saved, nothing sent.
    page = client.post(url, {**typed, "audience": "waiting", "step": "preview"})
    assert page.status_code == 200
    preview = soup(page).select_one("iframe")["srcdoc"]
    assert "<strong>chapter 4</strong>" in preview and 'href="https://x.org/n"' in preview
    assert not StaffMessage.objects.exists() and not Notification.objects.exists()

    # A test goes to the sender only, and the text stays in the form.
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url, {**typed, "audience": "waiting", "step": "test"})
    assert [m.to for m in mail.outbox] == [["fac@x.org"]]
    assert "Read **chapter 4**" in page.content.decode()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**typed, "audience": "waiting"}, follow=True)
    assert "on its way to 2 people" in soup(response).get_text()
    assert sorted(m.to[0] for m in mail.outbox) == ["cy@x.org", "dee@x.org"]
    message = mail.outbox[0]
    assert message.subject == "Reading for March"
    assert message.reply_to == ["fac@x.org"]
    assert "Read chapter 4, see notes (https://x.org/n)." in message.body
    assert "**" not in message.body
    assert f"http://127.0.0.1:8000{cohort.get_absolute_url()}" in message.body
    assert "<strong>chapter 4</strong>" in message.alternatives[0][0]

    # The log on the page: what, to which audience (as this page names it), to whom.
    log = soup(client.get(url)).select_one("#log-heading").find_parent("section").get_text(" ")
    assert "On the waiting list or awaiting a decision" in log and "A test to myself" in log
    assert "cy@x.org — Sent" in log and "eve@x.org" not in log


@pytest.mark.parametrize(
    ("audience", "reached"),
    [
        ("confirmed", ["ana@x.org", "ben@x.org"]),
        ("attended", ["ana@x.org"]),
        ("all", ["ana@x.org", "ben@x.org", "cy@x.org", "dee@x.org"]),
    ],
)
def test_each_audience_reaches_its_people_and_nobody_declined(
    client, cohort, audience, reached, django_capture_on_commit_callbacks
):
    client.force_login(CoordinatorFactory(email="coord@x.org"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("communities:email", args=[cohort.slug]),
            {"subject": "Hello", "body": "Hi.", "audience": audience},
        )
    assert sorted(m.to[0] for m in mail.outbox) == reached


def test_the_log_is_on_the_communitys_back_office_page(
    client, cohort, django_capture_on_commit_callbacks
):
    coordinator = CoordinatorFactory(email="coord@x.org")
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("communities:email", args=[cohort.slug]),
            {"subject": "Meeting moved", "body": "Thursday instead.", "audience": "all"},
        )
    page = soup(client.get(reverse("admin:communities_community_change", args=[cohort.pk])))
    log = page.select_one("#log-heading").find_parent("section").get_text(" ")
    assert "Meeting moved" in log
    assert "Everyone: members, waiting and applicants" in log
    assert "dee@x.org — Sent" in log
    assert page.find("a", href=reverse("communities:email", args=[cohort.slug]))


def test_nobody_to_write_to_says_so(client):
    community = CommunityFactory()
    client.force_login(CoordinatorFactory())
    page = soup(client.get(reverse("communities:email", args=[community.slug])))
    assert "no one to e-mail" in page.get_text()
    assert page.find("textarea") is None


def test_the_page_with_a_preview_and_its_log_is_valid_html(
    client, cohort, tmp_path, django_capture_on_commit_callbacks
):
    from tests.test_html_validity import vnu_errors

    client.force_login(CoordinatorFactory(email="coord@x.org"))
    url = reverse("communities:email", args=[cohort.slug])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"subject": "Hello", "body": "Hi **all**.", "audience": "all"})
    page = client.post(
        url, {"subject": "Again", "body": "[Notes](https://x.org)", "step": "preview"}
    )
    assert soup(page).select_one("iframe") and soup(page).select_one("#log-heading")
    path = tmp_path / "cohort_email.html"
    path.write_bytes(page.content)
    files = [path]
    assert vnu_errors(files) == []
