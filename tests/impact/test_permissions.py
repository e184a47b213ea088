"""Who may see what: public pages for everyone (aggregates only); the dashboard, the
recompute button, progress and the exports for coordinators only."""

import pytest
from django.urls import reverse

from tests.factories import EducatorFactory, ProviderFactory, ProviderStaffFactory
from trec.impact import services
from trec.impact.models import ImpactSnapshot
from trec.impact.periods import Period

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "educator", "provider_a", "provider_b", "coordinator"]
LOGIN = "login"


@pytest.fixture
def people(coordinator):
    return {
        "anonymous": None,
        "educator": EducatorFactory(),
        "provider_a": ProviderStaffFactory(provider=ProviderFactory(name="Provider A")),
        "provider_b": ProviderStaffFactory(provider=ProviderFactory(name="Provider B")),
        "coordinator": coordinator,
    }


@pytest.fixture
def snapshot(db):
    return services.snapshot_compute(
        snapshot_id=services.snapshot_get_or_create(period=Period.year(2025)).pk
    )


def answer(response):
    if response.status_code == 302 and response["Location"].startswith(reverse("account_login")):
        return LOGIN
    return response.status_code


COORDINATORS = [LOGIN, 403, 403, 403, 200]


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/impact/", [200] * 5),
        ("/impact/2025/", [200] * 5),
        ("/impact/2024/", [404] * 5),
        ("/impact/dashboard/", COORDINATORS),
        ("/impact/dashboard/?kind=school_year&year=2025", COORDINATORS),
        ("/impact/2025.csv", COORDINATORS),
        ("/impact/2025.pdf", COORDINATORS),
        ("/impact/dashboard/recompute/", [405] * 5),
    ],
)
def test_every_page_as_each_role(client, people, snapshot, path, expected):
    for role, wanted in zip(ROLES, expected, strict=True):
        client.logout()
        if people[role]:
            client.force_login(people[role])
        assert answer(client.get(path)) == wanted, (role, path)


def test_progress_is_for_coordinators(client, people, snapshot):
    path = reverse("impact:status", args=[snapshot.pk])
    for role, wanted in zip(ROLES, COORDINATORS, strict=True):
        client.logout()
        if people[role]:
            client.force_login(people[role])
        assert answer(client.get(path)) == wanted, role
    assert client.get(path).json() == {
        "status": "done",
        "status_text": "Up to date",
        "progress": 100,
        "busy": False,
    }


def test_only_coordinators_can_recompute(client, people, django_capture_on_commit_callbacks):
    for role, wanted in zip(ROLES, COORDINATORS, strict=True):
        client.logout()
        if people[role]:
            client.force_login(people[role])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("impact:recompute"), {"period": "2025"})
        if role == "coordinator":
            assert response.status_code == 302
        else:
            assert answer(response) == wanted, role
            assert not ImpactSnapshot.objects.exists()
    assert ImpactSnapshot.objects.get().status == ImpactSnapshot.Status.DONE
