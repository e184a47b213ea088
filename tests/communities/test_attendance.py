"""The attendance grid: keyboard-friendly labelled checkboxes, only shown cells change,
and the transcript follows."""

import pytest
from auditlog.models import LogEntry
from bs4 import BeautifulSoup
from django.urls import reverse

from communities.models import MeetingAttendance, Membership
from tests.factories import CoordinatorFactory, EducatorFactory, in_days
from trec.transcripts.models import Credit

from .factories import CommunityFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_facilitator_marks_attendance_and_hours_reach_the_transcript(client):
    facilitator = EducatorFactory()
    community = CommunityFactory(facilitators=[facilitator])
    first = MeetingFactory(community=community, duration_minutes=90)
    second = MeetingFactory(community=community, duration_minutes=50)
    member = MembershipFactory(community=community)
    url = reverse("communities:attendance", args=[community.slug])
    client.force_login(facilitator)
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    box = soup.find("input", {"value": f"{member.pk}-{first.pk}", "type": "checkbox"})
    assert box["aria-label"].startswith(f"{member.user.get_full_name()} attended {first.title}")
    cells = [f"{member.pk}-{first.pk}", f"{member.pk}-{second.pk}"]
    client.post(url, {"shown": cells, "attended": cells})
    hours = sorted(Credit.objects.filter(user=member.user).values_list("hours", flat=True))
    assert [str(h) for h in hours] == ["0.75", "1.50"]  # 50 min rounds to 0.75
    client.post(url, {"shown": cells, "attended": cells[:1]})
    assert list(Credit.objects.filter(user=member.user).values_list("hours", flat=True)) == [
        pytest.approx(1.5)
    ]


def test_cells_not_shown_or_not_members_are_ignored(client):
    coordinator = CoordinatorFactory()
    community = CommunityFactory()
    meeting = MeetingFactory(community=community)
    member = MembershipFactory(community=community)
    applicant = MembershipFactory(community=community, status=Membership.Status.APPLIED)
    MeetingAttendance.objects.create(meeting=meeting, membership=member)
    client.force_login(coordinator)
    client.post(
        reverse("communities:attendance", args=[community.slug]),
        {"shown": [f"{applicant.pk}-{meeting.pk}"], "attended": [f"{applicant.pk}-{meeting.pk}"]},
    )
    # The member's row was not on the page: kept. The applicant is not a member: refused.
    assert list(MeetingAttendance.objects.values_list("membership_id", flat=True)) == [member.pk]


@pytest.mark.parametrize("size", [1, 40])
def test_attendance_grid_query_count_is_fixed(client, django_assert_num_queries, size):
    """Guards against a query per member or per cell."""
    coordinator = CoordinatorFactory()
    community = CommunityFactory()
    meetings = [MeetingFactory(community=community) for _ in range(3)]
    for _ in range(size):
        membership = MembershipFactory(community=community)
        MeetingAttendance.objects.create(meeting=meetings[0], membership=membership)
    client.force_login(coordinator)
    with django_assert_num_queries(10):
        response = client.get(reverse("communities:attendance", args=[community.slug]))
    assert response.content.count(b'name="attended"') == 3 * size


def test_future_meetings_take_no_attendance_unless_a_coordinator_overrides(client):
    facilitator = EducatorFactory()
    community = CommunityFactory(facilitators=[facilitator])
    meeting = MeetingFactory(community=community, title="Unit planning", starts_at=in_days(14))
    member = MembershipFactory(community=community)
    url = reverse("communities:attendance", args=[community.slug])
    cell = f"{member.pk}-{meeting.pk}"
    client.force_login(facilitator)
    response = client.post(url, {"shown": [cell], "attended": [cell]}, follow=True)
    assert "Unit planning has not started yet" in response.content.decode()
    assert (
        client.post(url, {"shown": [cell], "attended": [cell], "override": "1"}).status_code == 403
    )
    assert not MeetingAttendance.objects.exists()
    assert not Credit.objects.filter(user=member.user).exists()

    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    response = client.post(url, {"shown": [cell], "attended": [cell], "override": "1"}, follow=True)
    assert "1 marked present" in response.content.decode()
    assert Credit.objects.filter(user=member.user).exists()
    entry = LogEntry.objects.get(additional_data__step="check_in_override")
    assert (entry.actor, entry.content_type.model, entry.object_id) == (
        coordinator,
        "community",
        community.pk,
    )
    assert "Unit planning" in entry.additional_data["note"]
