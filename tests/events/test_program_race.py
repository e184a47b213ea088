"""A session's seats hold under concurrency, on Postgres, with real threads.

Twenty registrants of a summit press "Add to my schedule" at the same moment for a
four-seat session. The control run removes the session's row lock and shows that this
harness does catch the race the lock prevents.
"""

import time

import pytest

from events.models import EventSession, Registration, SessionChoice
from events.programs import services as program_services
from tests import factories
from tests.races import fire_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SEATS, PEOPLE = 4, 20


def choosing(session, registrations):
    return [
        lambda r=r: program_services.session_choose(registration=r, session=session)
        for r in registrations
    ]


def setup_session():
    session = factories.ProgramSessionFactory(capacity=SEATS)
    registrations = [
        factories.RegistrationFactory(event=session.event, status=Registration.Status.CONFIRMED)
        for _ in range(PEOPLE)
    ]
    return session, registrations


def test_twenty_at_once_for_four_seats():
    session, registrations = setup_session()

    errors = fire_at_once(choosing(session, registrations))

    assert errors == []
    choices = SessionChoice.objects.filter(session=session)
    assert choices.filter(status="confirmed").count() == SEATS
    waiting = choices.filter(status="waitlisted")
    assert waiting.count() == PEOPLE - SEATS
    tickets = sorted(waiting.values_list("queue_number", flat=True))
    assert len(set(tickets)) == len(tickets) == PEOPLE - SEATS


def test_control_without_the_lock_the_race_happens(monkeypatch):
    """Same harness, session lock removed and the read-then-write gap widened."""
    real_count = program_services._confirmed_choices

    def slow_count(session):
        count = real_count(session)
        time.sleep(0.05)
        return count

    monkeypatch.setattr(
        program_services, "_lock_session", lambda pk: EventSession.objects.get(pk=pk)
    )
    monkeypatch.setattr(program_services, "_confirmed_choices", slow_count)
    session, registrations = setup_session()

    fire_at_once(choosing(session, registrations))

    confirmed = SessionChoice.objects.filter(session=session, status="confirmed").count()
    assert confirmed > SEATS, "the harness could not reproduce the race it guards against"
