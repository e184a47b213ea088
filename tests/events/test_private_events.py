"""Private events (a school visit booked with a provider) sit on the provider's calendar:
published, but never in the catalog, and only their provider's staff and coordinators
can open them."""

import pytest
from django.urls import reverse

from tests import factories
from tests.factories import in_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_event():
    return factories.EventFactory(
        title="School visit: resiliency PD",
        is_private=True,
        sessions=[(in_days(5), in_days(5, hour=18))],
    )


def test_a_private_event_is_not_in_the_catalog(client, private_event):
    factories.EventFactory(title="Open webinar", sessions=[(in_days(5), in_days(5, hour=18))])
    page = client.get(reverse("events:catalog")).content.decode()
    assert "Open webinar" in page
    assert "School visit" not in page


@pytest.mark.parametrize("who", ["anonymous", "educator", "other_provider"])
def test_outsiders_cannot_open_a_private_event(client, private_event, who):
    if who == "educator":
        client.force_login(factories.EducatorFactory())
    elif who == "other_provider":
        client.force_login(factories.ProviderStaffFactory())
    response = client.get(private_event.get_absolute_url())
    assert response.status_code == 404


def test_its_provider_and_coordinators_can_open_it(client, private_event):
    client.force_login(factories.ProviderStaffFactory(provider=private_event.provider))
    assert client.get(private_event.get_absolute_url()).status_code == 200
    client.force_login(factories.CoordinatorFactory())
    assert client.get(private_event.get_absolute_url()).status_code == 200
