"""On-demand resources earn PD hours when their provider verifies the completion."""

from decimal import Decimal

import pytest
from django.urls import reverse

from events import attendance
from events.models import Event
from tests import factories
from trec.transcripts.models import Credit

pytestmark = pytest.mark.django_db


@pytest.fixture
def toolkit():
    return factories.EventFactory(
        title="Calm Classroom Toolkit",
        kind=Event.Kind.ON_DEMAND,
        sessions=[],
        pd_hours=Decimal("1.5"),
    )


def test_a_verified_completion_earns_the_resources_hours(toolkit):
    registration = factories.RegistrationFactory(event=toolkit)
    staff = factories.ProviderStaffFactory(provider=toolkit.provider)

    assert attendance.completions_verify(registrations=[registration], verified_by=staff) == 1

    credit = Credit.objects.get(user=registration.user)
    assert credit.source_kind == "on_demand" and credit.hours == Decimal("1.5")
    assert credit.title == "Calm Classroom Toolkit"
    registration.refresh_from_db()
    assert registration.completed_at and registration.completion_verified_by == staff

    # Verifying again changes nothing; taking it back removes the hours.
    assert attendance.completions_verify(registrations=[registration], verified_by=staff) == 0
    assert Credit.objects.count() == 1
    attendance.completions_verify(registrations=[registration], verified_by=staff, completed=False)
    assert not Credit.objects.exists()


def test_only_confirmed_on_demand_registrations_count(toolkit):
    workshop = factories.RegistrationFactory()  # a dated event: hours come from attendance
    waiting = factories.RegistrationFactory(event=toolkit, status="cancelled")
    staff = factories.CoordinatorFactory()
    changed = attendance.completions_verify(registrations=[workshop, waiting], verified_by=staff)
    assert changed == 0
    assert not Credit.objects.exists()


def test_provider_verifies_from_the_back_office_and_the_transcript_shows_it(client, toolkit):
    registration = factories.RegistrationFactory(event=toolkit)
    other = factories.RegistrationFactory(
        event=factories.EventFactory(kind=Event.Kind.ON_DEMAND, sessions=[])
    )
    client.force_login(factories.ProviderStaffFactory(provider=toolkit.provider))
    response = client.post(
        reverse("admin:events_registration_changelist"),
        {"action": "verify_completion", "_selected_action": [registration.pk, other.pk]},
        follow=True,
    )
    assert "Verified 1 completion" in response.content.decode()
    assert Credit.objects.filter(user=registration.user).count() == 1
    assert not Credit.objects.filter(user=other.user).exists()  # another provider's

    client.force_login(registration.user)
    page = client.get(reverse("transcripts:transcript")).content.decode()
    assert "Calm Classroom Toolkit" in page and "1.5" in page
