"""Every route of the hub, walked as anonymous, educator, provider A's staff, provider B's
staff and a coordinator. Another provider's objects are 404, never 403; pages that need
an account send anonymous visitors to sign in; the back office sends non-staff to its
own login page.
"""

import pytest
from django.urls import reverse

from events.models import Event
from tests import factories

ROLES = ["anonymous", "educator", "staff_a", "staff_b", "coordinator"]
LOGIN = "login"  # a redirect to the sign-in page (site or admin)


@pytest.fixture
def world(db):
    provider_a = factories.ProviderFactory(name="Provider A")
    provider_b = factories.ProviderFactory(name="Provider B")
    people = {
        "anonymous": None,
        "educator": factories.EducatorFactory(),
        "staff_a": factories.ProviderStaffFactory(provider=provider_a),
        "staff_b": factories.ProviderStaffFactory(provider=provider_b),
        "coordinator": factories.CoordinatorFactory(),
    }
    published_a = factories.EventFactory(provider=provider_a, title="Published A")
    draft_a = factories.EventFactory(
        provider=provider_a, title="Draft A", status=Event.Status.DRAFT, published_at=None
    )
    external_a = factories.EventFactory(
        provider=provider_a,
        title="External A",
        registration_mode=Event.RegistrationMode.EXTERNAL,
        external_registration_url="https://provider-a.example.org/register",
    )
    registration_a = factories.RegistrationFactory(event=published_a)
    return {
        "people": people,
        "provider_a": provider_a,
        "published_a": published_a,
        "draft_a": draft_a,
        "external_a": external_a,
        "registration_a": registration_a,
    }


def admin(name, *args):
    return reverse(f"admin:{name}", args=args)


# (description, url builder, expected per role: anonymous, educator, A, B, coordinator)
PUBLIC = dict.fromkeys(ROLES, 200)
SIGNED_IN = {
    "anonymous": LOGIN,
    "educator": 200,
    "staff_a": 200,
    "staff_b": 200,
    "coordinator": 200,
}
A_ONLY = {"anonymous": LOGIN, "educator": LOGIN, "staff_a": 200, "staff_b": 404, "coordinator": 200}
STAFF = {"anonymous": LOGIN, "educator": LOGIN, "staff_a": 200, "staff_b": 200, "coordinator": 200}
COORDINATOR = {
    "anonymous": LOGIN,
    "educator": LOGIN,
    "staff_a": 403,
    "staff_b": 403,
    "coordinator": 200,
}
PREVIEW_A = {"anonymous": 404, "educator": 404, "staff_a": 200, "staff_b": 404, "coordinator": 200}

ROUTES = [
    ("home", lambda w: "/", PUBLIC),
    ("health", lambda w: "/healthz", PUBLIC),
    ("catalog", lambda w: reverse("events:catalog"), PUBLIC),
    ("catalog filtered", lambda w: reverse("events:catalog") + "?kind=webinar&cost=free", PUBLIC),
    ("event", lambda w: w["published_a"].get_absolute_url(), PUBLIC),
    ("event calendar", lambda w: reverse("events:calendar", args=[w["published_a"].slug]), PUBLIC),
    ("draft event", lambda w: w["draft_a"].get_absolute_url(), PREVIEW_A),
    (
        "external go",
        lambda w: reverse("events:go", args=[w["external_a"].slug]),
        dict.fromkeys(ROLES, 302),
    ),
    ("providers", lambda w: reverse("providers:directory"), PUBLIC),
    ("provider", lambda w: w["provider_a"].get_absolute_url(), PUBLIC),
    ("gratitude walls", lambda w: reverse("gratitude:walls"), PUBLIC),
    ("communities", lambda w: reverse("communities:list"), PUBLIC),
    ("transcript", lambda w: reverse("transcripts:transcript"), SIGNED_IN),
    ("me", lambda w: reverse("accounts:me"), SIGNED_IN),
    ("profile", lambda w: reverse("accounts:profile"), SIGNED_IN),
    ("admin index", lambda w: admin("index"), STAFF),
    ("admin events", lambda w: admin("events_event_changelist"), STAFF),
    ("admin event A", lambda w: admin("events_event_change", w["published_a"].pk), A_ONLY),
    ("admin draft A", lambda w: admin("events_event_change", w["draft_a"].pk), A_ONLY),
    ("admin roster A", lambda w: admin("events_event_roster", w["published_a"].pk), A_ONLY),
    ("admin roster csv A", lambda w: admin("events_event_roster_csv", w["published_a"].pk), A_ONLY),
    (
        "admin roster email A",
        lambda w: admin("events_event_roster_email", w["published_a"].pk),
        A_ONLY,
    ),
    ("admin registrations", lambda w: admin("events_registration_changelist"), STAFF),
    (
        "admin registration A",
        lambda w: admin("events_registration_change", w["registration_a"].pk),
        A_ONLY,
    ),
    ("admin provider A", lambda w: admin("providers_provider_change", w["provider_a"].pk), A_ONLY),
    ("admin add provider", lambda w: admin("providers_provider_add"), COORDINATOR),
    ("admin users", lambda w: admin("accounts_user_changelist"), COORDINATOR),
    ("admin topics", lambda w: admin("events_topic_changelist"), STAFF),
]


def answer(client, url):
    response = client.get(url)
    if response.status_code == 302 and "login" in response["Location"]:
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_intended(client, world, role):
    person = world["people"][role]
    if person is not None:
        client.force_login(person)
    got, expected = {}, {}
    for name, build, answers in ROUTES:
        got[name] = answer(client, build(world))
        expected[name] = answers[role]
    assert got == expected


POSTS = [
    ("register", lambda w: reverse("events:register", args=[w["published_a"].slug])),
    ("cancel", lambda w: reverse("events:cancel", args=[w["published_a"].slug])),
    ("save", lambda w: reverse("events:save", args=[w["published_a"].slug])),
    ("calendar reset", lambda w: reverse("accounts:calendar_reset")),
]


@pytest.mark.parametrize("name, build", POSTS, ids=[name for name, _ in POSTS])
def test_educator_actions_need_an_account(client, world, name, build):
    response = client.post(build(world))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("name, build", POSTS, ids=[name for name, _ in POSTS])
def test_educator_actions_refuse_get(client, world, name, build):
    client.force_login(world["people"]["educator"])
    assert client.get(build(world)).status_code == 405


def test_provider_b_cannot_change_provider_a_events_by_posting(client, world):
    """Even a hand-made POST to A's change URL is refused and changes nothing."""
    event = world["published_a"]
    client.force_login(world["people"]["staff_b"])
    response = client.post(
        admin("events_event_change", event.pk), {"title": "Hijacked", "summary": "x"}
    )
    assert response.status_code == 404
    event.refresh_from_db()
    assert event.title == "Published A"
