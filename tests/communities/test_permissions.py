"""Every communities and transcript route walked as anonymous, an educator (not a
member), a member, this community's facilitator, another community's facilitator and a
coordinator."""

import pytest
from django.urls import reverse

from communities.models import Community
from communities.services import meeting_credits_sync
from tests.factories import CoordinatorFactory, EducatorFactory
from trec.transcripts.services import certificate_issue

from .factories import CommunityFactory, MeetingAttendanceFactory, MeetingFactory, MembershipFactory

ROLES = ["anonymous", "educator", "member", "facilitator", "other_facilitator", "coordinator"]
LOGIN = "login"


@pytest.fixture
def world(db):
    facilitator = EducatorFactory()
    other_facilitator = EducatorFactory()
    community = CommunityFactory(title="Our Community", facilitators=[facilitator])
    CommunityFactory(title="Their Community", facilitators=[other_facilitator])
    draft = CommunityFactory(title="Draft Community", status=Community.Status.DRAFT)
    member = MembershipFactory(community=community)
    meeting = MeetingFactory(community=community)
    MeetingAttendanceFactory(meeting=meeting, membership=member)
    meeting_credits_sync(meetings=[meeting])
    certificate = certificate_issue(user=member.user, kind="community", key=str(community.pk))
    return {
        "people": {
            "anonymous": None,
            "educator": EducatorFactory(),
            "member": member.user,
            "facilitator": facilitator,
            "other_facilitator": other_facilitator,
            "coordinator": CoordinatorFactory(),
        },
        "community": community,
        "draft": draft,
        "certificate": certificate,
    }


PUBLIC = dict.fromkeys(ROLES, 200)
SIGNED_IN = {role: (LOGIN if role == "anonymous" else 200) for role in ROLES}
MANAGERS = {
    "anonymous": LOGIN,
    "educator": 403,
    "member": 403,
    "facilitator": 200,
    "other_facilitator": 403,
    "coordinator": 200,
}
MEMBERS = {**MANAGERS, "member": 200}
COORDINATOR_ONLY = {role: (200 if role == "coordinator" else 404) for role in ROLES}


def slug_url(name):
    return lambda w: reverse(f"communities:{name}", args=[w["community"].slug])


ROUTES = [
    ("list", lambda w: reverse("communities:list"), PUBLIC),
    ("detail", slug_url("detail"), PUBLIC),
    ("draft detail", lambda w: w["draft"].get_absolute_url(), COORDINATOR_ONLY),
    ("roster", slug_url("roster"), MANAGERS),
    ("roster csv", slug_url("roster_csv"), MANAGERS),
    ("attendance", slug_url("attendance"), MANAGERS),
    ("cohort email", slug_url("email"), MANAGERS),
    ("transcript", lambda w: reverse("transcripts:transcript"), SIGNED_IN),
    ("transcript csv", lambda w: reverse("transcripts:csv"), SIGNED_IN),
    ("transcript pdf", lambda w: reverse("transcripts:pdf"), SIGNED_IN),
    ("certificate", lambda w: w["certificate"].get_absolute_url(), PUBLIC),
    (
        "certificate pdf",
        lambda w: reverse("certificates:pdf", args=[w["certificate"].code]),
        PUBLIC,
    ),
    ("board", slug_url("board"), MEMBERS),
    (
        "unknown certificate",
        lambda w: reverse("certificates:verify", args=["NOPE-NOPE-NOPE"]),
        dict.fromkeys(ROLES, 404),
    ),
]


def answer(client, url, method="get"):
    response = getattr(client, method)(url)
    if response.status_code == 302 and "login" in response["Location"]:
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_intended(client, world, role):
    person = world["people"][role]
    if person is not None:
        client.force_login(person)
    got = {name: answer(client, build(world)) for name, build, _ in ROUTES}
    assert got == {name: answers[role] for name, _, answers in ROUTES}


@pytest.mark.parametrize("role", ROLES)
def test_roster_writes_answer_each_role_as_intended(client, world, role):
    person = world["people"][role]
    if person is not None:
        client.force_login(person)
    # An empty POST: managers get the page back (a redirect, or the form with errors).
    for name, success in (("roster", 302), ("attendance", 302), ("email", 200)):
        expected = {**MANAGERS, "facilitator": success, "coordinator": success}[role]
        assert answer(client, slug_url(name)(world), "post") == expected, name


POSTS = ["apply", "withdraw"]


@pytest.mark.parametrize("name", POSTS)
def test_educator_actions_need_an_account_and_refuse_get(client, world, name):
    url = slug_url(name)(world)
    assert answer(client, url, "post") == LOGIN
    client.force_login(world["people"]["educator"])
    assert client.get(url).status_code == 405


def test_certificate_create_needs_an_account(client, world):
    assert answer(client, reverse("transcripts:certificate_create"), "post") == LOGIN
