"""Facilitators schedule meetings from the roster, without the back office."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from communities.models import Meeting
from tests import factories
from tests.communities.factories import CommunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return CommunityFactory(title="Mentoring")


def url(community):
    return reverse("communities:meeting_new", kwargs={"slug": community.slug})


def test_a_facilitator_schedules_a_virtual_meeting(client, community):
    facilitator = factories.EducatorFactory()
    community.facilitators.add(facilitator)
    client.force_login(facilitator)
    response = client.post(
        url(community),
        {
            "title": "Coaching conversations",
            "starts_at": "2026-12-09T16:30",
            "duration_minutes": "90",
            "format": "virtual",
            "join_url": "https://zoom.example.org/j/77",
            "agenda": "- Check-in\n- Chapter 4",
        },
        follow=True,
    )
    assert "“Coaching conversations” is scheduled." in response.content.decode()
    meeting = Meeting.objects.get(community=community)
    assert timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M") == "2026-12-09 16:30"
    assert meeting.join_url == "https://zoom.example.org/j/77"


def test_missing_link_is_explained_and_what_was_typed_is_kept(client, community):
    client.force_login(factories.CoordinatorFactory())
    response = client.post(
        url(community),
        {
            "title": "Book talk",
            "starts_at": "2026-12-09T16:30",
            "duration_minutes": "60",
            "format": "virtual",
            "join_url": "",
        },
    )
    assert response.status_code == 200
    page = BeautifulSoup(response.content.decode(), "html.parser")
    assert "A virtual meeting needs a join link." in page.get_text()
    assert page.find("input", {"name": "title"})["value"] == "Book talk"
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("who, expected", [("anonymous", 302), ("educator", 403), ("member", 403)])
def test_only_managers_schedule(client, community, who, expected):
    if who == "educator":
        client.force_login(factories.EducatorFactory())
    elif who == "member":
        from tests.communities.factories import MembershipFactory

        client.force_login(MembershipFactory(community=community).user)
    assert client.get(url(community)).status_code == expected
