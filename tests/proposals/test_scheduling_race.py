"""Two coordinators scheduling at once, on Postgres, with real threads: the call's row
lock serves them one after the other, so a room holds one session per slot and a
presenter is never in two rooms at once; the loser gets a clear error. The control run
removes the lock and shows that this harness does catch the race it prevents."""

import time

import pytest

from events.proposals import services
from events.proposals.models import Call, Proposal
from tests import factories
from tests.proposals.factories import CallFactory, proposal
from tests.races import fire_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def accepted(call, user=None, title="A session"):
    made = proposal(call, user, title=title)
    Proposal.objects.filter(pk=made.pk).update(status=Proposal.Status.ACCEPTED)
    made.refresh_from_db()
    return made


def schedulers(pairs, slot):
    return [
        lambda target=target, room=room: services.proposal_schedule(
            proposal=target, room=room, slot=slot
        )
        for target, room in pairs
    ]


def test_two_coordinators_put_two_sessions_in_one_room_and_slot():
    call = CallFactory()
    first, second = accepted(call, title="First"), accepted(call, title="Second")
    slot, room = call.slots.first(), call.rooms.get(name="Room 201")

    errors = fire_at_once(schedulers([(first, room), (second, room)], slot))

    assert len(errors) == 1
    assert isinstance(errors[0], services.ProposalError)
    placed = Proposal.objects.get(room=room, slot=slot)
    loser = "Second" if placed.title == "First" else "First"
    assert errors[0].messages == [f"Room 201 is taken at that time by “{placed.title}”."]
    assert Proposal.objects.get(title=loser).slot is None
    assert call.event.sessions.filter(location="Room 201").count() == 1


def double_booking(call):
    lead = factories.EducatorFactory(first_name="Rosa", last_name="Diaz")
    rooms = list(call.rooms.all())
    pairs = [
        (accepted(call, lead, title="First"), rooms[0]),
        (accepted(call, lead, title="Second"), rooms[1]),
    ]
    return schedulers(pairs, call.slots.first())


def test_a_presenter_is_never_placed_in_two_rooms_at_once():
    call = CallFactory()

    errors = fire_at_once(double_booking(call))

    assert [type(error) for error in errors] == [services.ProposalError]
    assert "Rosa Diaz already presents" in errors[0].messages[0]
    assert Proposal.objects.filter(slot__isnull=False).count() == 1


def test_control_without_the_lock_the_presenter_is_double_booked(monkeypatch):
    """Same harness, call lock removed and the check-then-write gap widened."""
    real_check = services._check_presenters

    def slow_check(proposal, slot):
        real_check(proposal, slot)
        time.sleep(0.2)

    monkeypatch.setattr(services, "_lock_call", lambda pk: Call.objects.get(pk=pk))
    monkeypatch.setattr(services, "_check_presenters", slow_check)
    call = CallFactory()

    errors = fire_at_once(double_booking(call))

    assert errors == []
    placed = Proposal.objects.filter(slot__isnull=False).count()
    assert placed == 2, "the harness could not reproduce the race it guards against"
