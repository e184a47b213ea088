"""Two people deciding the same request at once, on Postgres, with real threads: the
row lock lets exactly one through, so a school visit is booked once. The control run
removes the lock and shows that this harness does catch the race it prevents."""

import datetime
import time

import pytest
from django.db import IntegrityError
from django.utils import timezone

from events.models import Event
from providers import services
from providers.models import RequestUpdate, SessionRequest
from tests import factories
from tests.races import fire_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PEOPLE = 6


def schedulers(session_request):
    starts = timezone.now() + datetime.timedelta(days=7)
    return [
        lambda n=n: services.request_schedule(
            session_request=session_request,
            starts_at=starts + datetime.timedelta(hours=n),
            minutes=45,
        )
        for n in range(PEOPLE)
    ]


def test_six_schedule_clicks_at_once_book_one_visit():
    session_request = factories.SessionRequestFactory()

    errors = fire_at_once(schedulers(session_request))

    assert len(errors) == PEOPLE - 1
    assert all(isinstance(e, services.TransitionRefused) for e in errors)
    assert Event.objects.count() == 1
    session_request.refresh_from_db()
    assert session_request.status == SessionRequest.Status.SCHEDULED
    assert session_request.event == Event.objects.get()
    assert RequestUpdate.objects.filter(status="scheduled").count() == 1


def test_schedule_and_decline_at_once_leave_a_consistent_request():
    session_request = factories.SessionRequestFactory()
    steps = [
        schedulers(session_request)[0],
        lambda: services.request_decline(session_request=session_request, reason="Full"),
    ]

    fire_at_once(steps)

    session_request.refresh_from_db()
    event = Event.objects.first()
    if session_request.status == SessionRequest.Status.SCHEDULED:
        assert event.status == Event.Status.PUBLISHED
    else:
        # Declined: either before scheduling (no event) or after (its event cancelled).
        assert session_request.status == SessionRequest.Status.DECLINED
        assert event is None or event.status == Event.Status.CANCELLED


def test_control_without_the_lock_the_race_happens(monkeypatch):
    """Same harness, lock removed and the read-then-write gap widened: several clicks get
    past the status check together. (The calendar entry's unique address then stops the
    second booking as a database error, a last line of defence, not a friendly answer.)"""

    def unlocked(session_request):
        row = SessionRequest.objects.get(pk=session_request.pk)
        time.sleep(0.2)
        return row

    monkeypatch.setattr(services, "_lock", unlocked)
    session_request = factories.SessionRequestFactory()

    errors = fire_at_once(schedulers(session_request))

    past_the_guard = [e for e in errors if isinstance(e, IntegrityError)]
    assert past_the_guard, "the harness could not reproduce the race it guards against"
