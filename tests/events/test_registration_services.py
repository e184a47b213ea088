"""Registering, the waiting list and promotion: the rules, through events.services."""

import pytest
from django.core.exceptions import ValidationError

from events import services
from events.models import Event, Registration
from tests import factories

pytestmark = pytest.mark.django_db


def register(event, user=None):
    return services.registration_create(event=event, user=user or factories.EducatorFactory())


def test_confirmed_while_seats_remain_then_waitlisted_in_order():
    event = factories.EventFactory(capacity=2)
    first, second = register(event), register(event)
    assert {first.registration.status, second.registration.status} == {"confirmed"}
    third, fourth = register(event), register(event)
    assert third.registration.status == fourth.registration.status == "waitlisted"
    assert third.registration.waitlist_position == 1
    assert fourth.registration.waitlist_position == 2
    assert event.seats_left() == 0


def test_unlimited_capacity_never_waitlists():
    event = factories.EventFactory(capacity=None)
    results = [register(event) for _ in range(5)]
    assert all(r.registration.status == "confirmed" for r in results)
    assert event.seats_left() is None


def test_registering_twice_changes_nothing():
    event = factories.EventFactory(capacity=1)
    educator = factories.EducatorFactory()
    first = register(event, educator)
    again = register(event, educator)
    assert first.created and not again.created
    assert again.registration.pk == first.registration.pk
    assert Registration.objects.filter(event=event).count() == 1


def test_cancelling_frees_the_seat_for_the_first_person_waiting():
    event = factories.EventFactory(capacity=1)
    holder = register(event).registration
    waiting_1 = register(event).registration
    waiting_2 = register(event).registration

    promoted = services.registration_cancel(registration=holder)

    assert [r.pk for r in promoted] == [waiting_1.pk]
    waiting_1.refresh_from_db()
    waiting_2.refresh_from_db()
    holder.refresh_from_db()
    assert holder.status == "cancelled" and holder.cancelled_at is not None
    assert waiting_1.status == "confirmed" and waiting_1.queue_number is None
    assert waiting_2.status == "waitlisted" and waiting_2.waitlist_position == 1


def test_cancelling_a_waitlisted_place_moves_the_people_behind_up():
    event = factories.EventFactory(capacity=1)
    register(event)
    first_waiting = register(event).registration
    second_waiting = register(event).registration
    assert services.registration_cancel(registration=first_waiting) == []
    assert Registration.objects.get(pk=second_waiting.pk).waitlist_position == 1


def test_registering_again_after_cancelling_goes_to_the_back_of_the_line():
    event = factories.EventFactory(capacity=1)
    register(event)
    educator = factories.EducatorFactory()
    mine = register(event, educator).registration
    behind = register(event).registration
    services.registration_cancel(registration=mine)
    again = register(event, educator)
    assert again.created and again.registration.pk == mine.pk
    assert again.registration.waitlist_position == 2
    assert Registration.objects.get(pk=behind.pk).waitlist_position == 1


def test_cancel_twice_is_harmless():
    event = factories.EventFactory(capacity=1)
    holder = register(event).registration
    services.registration_cancel(registration=holder)
    assert services.registration_cancel(registration=holder) == []


def test_approval_required_holds_registrations_until_the_provider_decides():
    event = factories.EventFactory(capacity=1, requires_approval=True)
    first = register(event).registration
    second = register(event).registration
    third = register(event).registration
    assert first.status == second.status == third.status == "pending"
    assert services.registration_decide(registration=first, approve=True).status == "confirmed"
    assert services.registration_decide(registration=second, approve=True).status == "waitlisted"
    assert services.registration_decide(registration=third, approve=False).status == "declined"


def test_more_capacity_promotes_people_waiting():
    event = factories.EventFactory(capacity=1)
    register(event)
    waiting = [register(event).registration for _ in range(3)]
    Event.objects.filter(pk=event.pk).update(capacity=3)
    promoted = services.waitlist_fill(event=event)
    assert [r.pk for r in promoted] == [waiting[0].pk, waiting[1].pk]
    assert Registration.objects.get(pk=waiting[2].pk).waitlist_position == 1


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"status": Event.Status.DRAFT}, "not open for registration"),
        ({"status": Event.Status.CANCELLED}, "not open for registration"),
        (
            {
                "registration_mode": Event.RegistrationMode.EXTERNAL,
                "external_registration_url": "https://provider.example.org/register",
            },
            "not on TREC Hub",
        ),
    ],
)
def test_closed_events_refuse_registrations(changes, message):
    event = factories.EventFactory(**changes)
    with pytest.raises(ValidationError, match=message):
        register(event)
    assert not Registration.objects.exists()


def test_past_events_refuse_registrations():
    event = factories.EventFactory(
        sessions=[(factories.in_days(-3), factories.in_days(-3, hour=18))]
    )
    with pytest.raises(ValidationError, match="already taken place"):
        register(event)


def test_waitlist_positions_annotation_matches_the_property():
    event = factories.EventFactory(capacity=1)
    register(event)
    waiting = [register(event).registration for _ in range(4)]
    services.registration_cancel(registration=waiting[1])
    annotated = {
        r.pk: r.waitlist_position
        for r in Registration.objects.filter(
            event=event, status="waitlisted"
        ).with_waitlist_position()
    }
    assert annotated == {waiting[0].pk: 1, waiting[2].pk: 2, waiting[3].pk: 3}
