"""Every gratitude route walked as anonymous, educator, partner staff (of this wall),
other provider staff (a partner of another wall) and a coordinator. Walls are public;
moderation is for the wall's partners and coordinators — anyone else signed in finds
nothing (404), anonymous visitors are sent to sign in."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gratitude.models import Post
from tests import factories

from .conftest import make_post, make_wall

ROLES = ["anonymous", "educator", "partner", "other_staff", "coordinator"]
LOGIN = "login"
PUBLIC = dict.fromkeys(ROLES, 200)
MODERATORS = {
    "anonymous": LOGIN,
    "educator": 404,
    "partner": 200,
    "other_staff": 404,
    "coordinator": 200,
}
MODERATOR_PREVIEW = {
    "anonymous": 404,
    "educator": 404,
    "partner": 200,
    "other_staff": 404,
    "coordinator": 200,
}
COORDINATOR_ADMIN = {
    "anonymous": LOGIN,
    "educator": LOGIN,
    "partner": 403,
    "other_staff": 403,
    "coordinator": 200,
}


@pytest.fixture
def world(db):
    partner = factories.ProviderFactory(name="Ben's Bells Project")
    other = factories.ProviderFactory(name="Tucson Values Teachers")
    wall = make_wall(partners=[partner])
    make_wall(slug="other-wall", title="Other wall", partners=[other])
    today = timezone.localdate()
    upcoming = make_wall(
        slug="next-spring",
        partners=[partner],
        opens_on=today + datetime.timedelta(days=30),
        closes_on=today + datetime.timedelta(days=60),
    )
    return {
        "people": {
            "anonymous": None,
            "educator": factories.EducatorFactory(),
            "partner": factories.ProviderStaffFactory(provider=partner),
            "other_staff": factories.ProviderStaffFactory(provider=other),
            "coordinator": factories.CoordinatorFactory(),
        },
        "wall": wall,
        "upcoming": upcoming,
        "approved": make_post(wall),
        "pending": make_post(wall, status=Post.Status.PENDING),
    }


ROUTES = [
    ("walls", lambda w: reverse("gratitude:walls"), PUBLIC),
    ("wall", lambda w: w["wall"].get_absolute_url(), PUBLIC),
    ("wall filtered", lambda w: w["wall"].get_absolute_url() + "?q=thank&sort=loved", PUBLIC),
    ("post form", lambda w: reverse("gratitude:post", args=[w["wall"].slug]), PUBLIC),
    ("print", lambda w: reverse("gratitude:print", args=[w["wall"].slug]), PUBLIC),
    ("pdf", lambda w: reverse("gratitude:pdf", args=[w["wall"].slug]), PUBLIC),
    ("approved post", lambda w: w["approved"].get_absolute_url(), PUBLIC),
    ("pending post", lambda w: w["pending"].get_absolute_url(), MODERATOR_PREVIEW),
    ("upcoming wall", lambda w: w["upcoming"].get_absolute_url(), MODERATOR_PREVIEW),
    ("queue", lambda w: reverse("gratitude:moderate", args=[w["wall"].slug]), MODERATORS),
    (
        "queue hidden tab",
        lambda w: reverse("gratitude:moderate", args=[w["wall"].slug]) + "?status=hidden",
        MODERATORS,
    ),
    (
        "edit post",
        lambda w: reverse("gratitude:moderate_edit", args=[w["wall"].slug, w["pending"].pk]),
        MODERATORS,
    ),
    ("admin walls", lambda w: reverse("admin:gratitude_wall_changelist"), COORDINATOR_ADMIN),
    ("admin posts", lambda w: reverse("admin:gratitude_post_changelist"), COORDINATOR_ADMIN),
]


def answer(client, url):
    response = client.get(url)
    if response.status_code == 302 and "login" in response["Location"]:
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_every_gratitude_route_answers_each_role_as_intended(client, world, role):
    person = world["people"][role]
    if person is not None:
        client.force_login(person)
    got = {name: answer(client, build(world)) for name, build, _ in ROUTES}
    assert got == {name: answers[role] for name, _, answers in ROUTES}


MODERATION_POSTS = {
    "anonymous": LOGIN,
    "educator": 404,
    "partner": 302,
    "other_staff": 404,
    "coordinator": 302,
}


@pytest.mark.parametrize("role", ROLES)
def test_only_moderators_can_moderate_by_posting(client, world, role):
    person = world["people"][role]
    if person is not None:
        client.force_login(person)
    pending = world["pending"]
    response = client.post(
        reverse("gratitude:moderate", args=[world["wall"].slug]),
        {"action": "approve", "ids": [pending.pk]},
    )
    got = (
        LOGIN
        if response.status_code == 302 and "login" in response["Location"]
        else response.status_code
    )
    assert got == MODERATION_POSTS[role]
    pending.refresh_from_db()
    assert (pending.status == Post.Status.APPROVED) == (MODERATION_POSTS[role] == 302)


@pytest.mark.parametrize("role", ROLES)
def test_only_moderators_can_edit_by_posting(client, world, role):
    person = world["people"][role]
    if person is not None:
        client.force_login(person)
    pending = world["pending"]
    client.post(
        reverse("gratitude:moderate_edit", args=[world["wall"].slug, pending.pk]),
        {"recipient_name": "Hijacked", "message": "Hijacked"},
    )
    pending.refresh_from_db()
    assert (pending.recipient_name == "Hijacked") == (role in {"partner", "coordinator"})


def test_heart_and_moderation_refuse_get(client, world):
    client.force_login(world["people"]["coordinator"])
    assert (
        client.get(
            reverse("gratitude:heart", args=[world["wall"].slug, world["approved"].pk])
        ).status_code
        == 405
    )
