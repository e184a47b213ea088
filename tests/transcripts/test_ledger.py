"""The PD-hours ledger follows attendance: quarter-hour rounding, the event's cap,
idempotent recomputation, reversal on unmark; and a property test that any sequence
of mark/unmark operations leaves ledger = attendance."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.attendance import attendance_mark, event_credits_sync
from events.models import Attendance
from tests.factories import EducatorFactory, EventFactory, RegistrationFactory, in_days
from trec.transcripts.models import Credit, school_year_of
from trec.transcripts.services import (
    credit_add_manual,
    quarter_hours,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "minutes, hours",
    [
        (60, "1.00"),
        (50, "0.75"),
        (52, "0.75"),
        (53, "1.00"),
        (7, "0.00"),
        (8, "0.25"),
        (135, "2.25"),
    ],
)
def test_quarter_hour_rounding(minutes, hours):
    assert quarter_hours(minutes) == Decimal(hours)


def test_school_year_runs_july_to_june():
    import datetime

    assert school_year_of(datetime.date(2023, 9, 1)) == "2023–2024"
    assert school_year_of(datetime.date(2024, 6, 30)) == "2023–2024"
    assert school_year_of(datetime.date(2024, 7, 1)) == "2024–2025"


def program(pd_hours="3.00", sessions=2):
    spans = [(in_days(-10 + i, 9), in_days(-10 + i, 11)) for i in range(sessions)]  # 2 h each
    return EventFactory(pd_hours=Decimal(pd_hours), sessions=spans)


def test_hours_sum_sessions_capped_at_the_event_offer():
    event = program(pd_hours="3.00")
    registration = RegistrationFactory(event=event)
    for session in event.sessions.all():
        Attendance.objects.create(registration=registration, session=session)
    assert event_credits_sync(event=event) == {"created": 1, "updated": 0, "deleted": 0}
    credit = Credit.objects.get()
    assert credit.hours == Decimal("3.00")  # 4 h attended, 3 offered
    assert credit.provider_name == event.provider.name
    assert credit.source_kind == "event" and credit.event_id == event.pk
    assert event_credits_sync(event=event) == {"created": 0, "updated": 0, "deleted": 0}


def test_unmarking_reverses_the_credit():
    event = program(sessions=1)
    registration = RegistrationFactory(event=event)
    session = event.sessions.get()
    Attendance.objects.create(registration=registration, session=session)
    event_credits_sync(event=event)
    Attendance.objects.all().delete()
    assert event_credits_sync(event=event)["deleted"] == 1
    assert not Credit.objects.exists()


def test_event_offering_no_hours_earns_none():
    event = program(pd_hours="0")
    registration = RegistrationFactory(event=event)
    Attendance.objects.create(registration=registration, session=event.sessions.first())
    event_credits_sync(event=event)
    assert not Credit.objects.exists()


def test_command_recomputes_everything_idempotently(capsys):
    event = program()
    registration = RegistrationFactory(event=event)
    Attendance.objects.create(registration=registration, session=event.sessions.first())
    call_command("transcripts_sync")
    call_command("transcripts_sync")
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Credits: 1 created, 0 updated, 0 removed.",
        "Credits: 0 created, 0 updated, 0 removed.",
    ]


def test_manual_credit_needs_a_reason_and_records_who(coordinator, educator):
    import datetime

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        credit_add_manual(
            user=educator,
            hours=Decimal("2"),
            earned_on=datetime.date(2026, 10, 1),
            title="Summer institute",
            reason=" ",
            created_by=coordinator,
        )
    credit = credit_add_manual(
        user=educator,
        hours=Decimal("2"),
        earned_on=datetime.date(2026, 10, 1),
        title="Summer institute",
        reason="Paper sign-in sheet",
        created_by=coordinator,
    )
    assert credit.created_by == coordinator and credit.school_year == "2026–2027"


# --- Property: ledger = attendance ---------------------------------------------------

OPERATIONS = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 2), st.booleans()), min_size=1, max_size=12
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS)
def test_any_mark_unmark_sequence_leaves_ledger_equal_to_attendance(operations):
    """Marks and unmarks through events.attendance.attendance_mark (as the roster does),
    syncing after each; the ledger always equals the capped, rounded attendance."""
    from django.db import transaction

    with transaction.atomic():
        event = EventFactory(
            pd_hours=Decimal("5.00"),
            sessions=[(in_days(-5 + i, 9), in_days(-5 + i, 10)) for i in range(3)],
        )
        sessions = list(event.sessions.all())
        registrations = [RegistrationFactory(event=event, user=EducatorFactory()) for _ in range(3)]
        allowed = {(r.pk, s.pk) for r in registrations for s in sessions}
        for person, session_index, present in operations:
            cell = (registrations[person].pk, sessions[session_index].pk)
            attendance_mark(
                event=event,
                allowed=allowed,
                shown={cell},
                checked={cell} if present else set(),
                marked_by=None,
            )
            event_credits_sync(event=event)
        for registration in registrations:
            attended = Attendance.objects.filter(registration=registration).count()
            expected = min(Decimal(attended), event.pd_hours)  # 1 h per session
            ledger = Credit.objects.filter(user=registration.user, event=event)
            total = sum((c.hours for c in ledger), Decimal("0"))
            assert total == expected
            assert ledger.count() == (1 if attended else 0)
        transaction.set_rollback(True)
