"""The capacity check holds under concurrency, on Postgres, with real threads.

Thirty educators press "Register" at the same moment for a five-seat event. The
control run removes the row lock and shows that this harness does catch the race
the lock prevents.
"""

import pytest

from events import services
from events.models import Registration
from tests import factories
from tests.races import fire_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SEATS, PEOPLE = 5, 30


def registering(event, users):
    return [lambda u=u: services.registration_create(event=event, user=u) for u in users]


def test_thirty_at_once_for_five_seats():
    event = factories.EventFactory(capacity=SEATS)
    users = [factories.EducatorFactory() for _ in range(PEOPLE)]

    errors = fire_at_once(registering(event, users))

    assert errors == []
    registrations = Registration.objects.filter(event=event)
    assert registrations.filter(status="confirmed").count() == SEATS
    waiting = registrations.filter(status="waitlisted")
    assert waiting.count() == PEOPLE - SEATS
    tickets = list(waiting.values_list("queue_number", flat=True))
    assert len(set(tickets)) == len(tickets)
    positions = sorted(r.waitlist_position for r in waiting.with_waitlist_position())
    assert positions == list(range(1, PEOPLE - SEATS + 1))


def test_control_without_the_lock_the_race_happens(monkeypatch):
    """Same harness, lock removed and the read-then-write gap widened: overbooking shows."""
    import time

    from events.models import Event

    real_count = services._confirmed_count

    def slow_count(event):
        count = real_count(event)
        time.sleep(0.05)
        return count

    monkeypatch.setattr(services, "_lock_event", lambda event_id: Event.objects.get(pk=event_id))
    monkeypatch.setattr(services, "_confirmed_count", slow_count)
    event = factories.EventFactory(capacity=SEATS)
    users = [factories.EducatorFactory() for _ in range(PEOPLE)]

    fire_at_once(registering(event, users))

    confirmed = Registration.objects.filter(event=event, status="confirmed").count()
    assert confirmed > SEATS, "the harness could not reproduce the race it guards against"
