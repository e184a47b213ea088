"""The transcript page, its CSV, issuing certificates and public verification."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from communities.models import MeetingAttendance
from communities.services import meeting_credits_sync
from tests.communities.factories import CommunityFactory, MeetingFactory, MembershipFactory
from tests.factories import CoordinatorFactory
from trec.transcripts.models import Certificate, Credit
from trec.transcripts.services import (
    certificate_issue,
    certificate_revoke,
    credit_add_manual,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def attend(member, meetings):
    for meeting in meetings:
        MeetingAttendance.objects.create(meeting=meeting, membership=member)
    meeting_credits_sync(meetings=meetings)


def cohort_credits(user, meetings=2):
    community = CommunityFactory(title="Equitable Grading")
    member = MembershipFactory(community=community, user=user)
    attend(member, [MeetingFactory(community=community) for _ in range(meetings)])
    return community


def test_transcript_shows_hours_by_year_and_source(client, educator):
    cohort_credits(educator)
    credit_add_manual(
        user=educator,
        hours=Decimal("2.5"),
        earned_on=datetime.date(2024, 3, 1),
        title="Summer institute",
        reason="Paper sign-in",
        created_by=CoordinatorFactory(),
    )
    client.force_login(educator)
    page = text(client.get(reverse("transcripts:transcript")))
    assert "Total hours 5.50" in page
    assert "2026–2027: 3 hours" in page
    assert "2023–2024: 2.5 hours" in page
    filtered = text(client.get(reverse("transcripts:transcript") + "?year=2023–2024"))
    assert "Summer institute" in filtered and "Equitable Grading:" not in filtered


def test_transcript_csv(client, educator):
    cohort_credits(educator, meetings=1)
    client.force_login(educator)
    response = client.get(reverse("transcripts:csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["date", "school year", "title", "offered by", "source", "credit", "hours"]
    assert rows[1][-1] == "1.50" and rows[1][4] == "Community meeting"


@pytest.mark.parametrize("meetings", [1, 20])
def test_transcript_query_count_is_fixed(client, educator, django_assert_num_queries, meetings):
    """Guards against a query per credit or per certificate subject."""
    cohort_credits(educator, meetings=meetings)
    client.force_login(educator)
    # session, user, credits, community titles, certificates
    with django_assert_num_queries(5):
        client.get(reverse("transcripts:transcript"))


def test_certificate_issue_verify_and_revoke(client, educator):
    community = cohort_credits(educator)
    client.force_login(educator)
    response = client.post(
        reverse("transcripts:certificate_create"), {"kind": "community", "key": community.pk}
    )
    certificate = Certificate.objects.get()
    assert response["Location"] == certificate.get_absolute_url()
    client.logout()
    page = text(client.get(certificate.get_absolute_url()))
    assert "Valid certificate." in page
    assert educator.get_full_name() in page
    assert "3 clock hours" in page
    assert educator.email not in page  # nothing beyond name, hours, title and dates
    lower = client.get(reverse("certificates:verify", args=[certificate.code.lower()]))
    assert lower.status_code == 200
    certificate_revoke(certificate=certificate, reason="Entered in error", revoked_by=None)
    assert "This certificate has been revoked." in text(client.get(certificate.get_absolute_url()))


def test_unknown_code_says_so(client):
    response = client.get(reverse("certificates:verify", args=["ABCD-EFGH-JKLM"]))
    assert response.status_code == 404
    assert "No certificate on" in text(response)


def test_asking_again_returns_the_same_certificate_until_hours_change(educator):
    community = cohort_credits(educator)
    first = certificate_issue(user=educator, kind="community", key=str(community.pk))
    assert certificate_issue(user=educator, kind="community", key=str(community.pk)) == first
    member = community.memberships.get()
    attend(member, [MeetingFactory(community=community)])
    second = certificate_issue(user=educator, kind="community", key=str(community.pk))
    first.refresh_from_db()
    assert first.is_revoked and not second.is_revoked
    assert second.hours == Decimal("4.50")


def test_certificate_for_nothing_is_refused(client, educator):
    client.force_login(educator)
    response = client.post(
        reverse("transcripts:certificate_create"), {"kind": "year", "key": "2020–2021"}, follow=True
    )
    assert "There are no hours on your transcript for this yet." in text(response)
    assert not Certificate.objects.exists()


def test_someone_elses_hours_cannot_be_certified(client, educator):
    other = MembershipFactory().user
    community = cohort_credits(other)
    client.force_login(educator)
    client.post(
        reverse("transcripts:certificate_create"), {"kind": "community", "key": community.pk}
    )
    assert not Certificate.objects.filter(user=educator).exists()
    assert Credit.objects.filter(user=educator).count() == 0
