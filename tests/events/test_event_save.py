"""events.services.event_save: the one road for a listing saved in the back office. The
status moves only the ways the rules allow, whoever calls it; the admin pages above it
are tested in test_admin_workflow.py."""

import pytest

from events import services
from events.models import Event, Registration
from tests import factories
from trec.notifications.models import Notification

WAITING = Registration.Status.WAITLISTED


@pytest.fixture
def provider(db):
    return factories.ProviderFactory(contact_email="office@sonoran.example.org")


@pytest.fixture
def staff(provider):
    return factories.ProviderStaffFactory(provider=provider)


def test_provider_staff_cannot_publish_their_own_listing_they_send_it_for_review(staff, provider):
    event = factories.EventFactory(provider=provider, status=Event.Status.DRAFT, published_at=None)

    saved = services.event_save(event=event, by=staff, status=Event.Status.PUBLISHED)

    event.refresh_from_db()
    assert event.status == Event.Status.SUBMITTED
    assert (saved.submitted, saved.published) == (True, False)
    # Saved again while waiting: still waiting, and no second "sent for review".
    assert services.event_save(event=event, by=staff, status=event.status).submitted is False


def test_a_coordinator_publishing_goes_through_approval(coordinator, provider):
    event = factories.EventFactory(
        provider=provider, status=Event.Status.SUBMITTED, published_at=None
    )

    saved = services.event_save(event=event, by=coordinator, status=Event.Status.PUBLISHED)

    event.refresh_from_db()
    assert saved.published and not saved.refused
    assert event.status == Event.Status.PUBLISHED and event.published_at is not None
    assert Notification.objects.filter(email="office@sonoran.example.org").exists()


def test_publishing_a_listing_whose_sessions_are_over_is_refused_and_it_stays(
    coordinator, provider
):
    event = factories.EventFactory(
        provider=provider,
        status=Event.Status.SUBMITTED,
        published_at=None,
        sessions=[(factories.in_days(-3), factories.in_days(-3, hour=18))],
    )

    saved = services.event_save(event=event, by=coordinator, status=Event.Status.PUBLISHED)

    event.refresh_from_db()
    assert saved.refused and not saved.published
    assert event.status == Event.Status.SUBMITTED


def test_taking_a_published_listing_off_the_catalog_tells_its_registrants(coordinator, provider):
    event = factories.EventFactory(provider=provider)
    factories.RegistrationFactory(event=event)
    factories.RegistrationFactory(event=event, status=WAITING, queue_number=1)

    saved = services.event_save(event=event, by=coordinator, status=Event.Status.DRAFT)

    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT
    assert (saved.unlisted, saved.told) == (True, 2)


def test_other_status_moves_by_a_coordinator_are_written_as_chosen(coordinator, provider):
    event = factories.EventFactory(provider=provider, status=Event.Status.DRAFT, published_at=None)

    saved = services.event_save(event=event, by=coordinator, status=Event.Status.ARCHIVED)

    event.refresh_from_db()
    assert event.status == Event.Status.ARCHIVED
    assert saved == services.EventSaved()


def test_more_seats_fill_from_the_waiting_list_and_a_new_listing_promotes_nobody(staff, provider):
    event = factories.EventFactory(provider=provider, capacity=1)
    factories.RegistrationFactory(event=event)
    waiting = factories.RegistrationFactory(event=event, status=WAITING, queue_number=1)

    assert services.event_save(event=event, by=staff, status=event.status).promoted == 0
    event.capacity = 2
    event.save()
    saved = services.event_save(event=event, by=staff, status=event.status, capacity_before=1)

    waiting.refresh_from_db()
    assert saved.promoted == 1
    assert waiting.status == Registration.Status.CONFIRMED
