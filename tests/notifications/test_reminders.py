"""Reminders before each session: at the configured offsets, never late, never twice,
never to someone who is no longer coming."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events import services as events
from events.models import Event, EventSession, Registration
from tests import factories
from trec.notifications import services as notifications
from trec.notifications.kinds import parse_offset, reminder_windows
from trec.notifications.models import Notification

from .factories import confirmed, event_starting_in

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def beat(django_capture_on_commit_callbacks):
    """One run of the periodic reminder task, and everything it hands to the workers."""

    def beat(now=None):
        with django_capture_on_commit_callbacks(execute=True):
            return notifications.reminders_enqueue_due(now=now)

    return beat


def windows_for(registration) -> list[str]:
    return list(
        Notification.objects.filter(recipient=registration.user, kind="event_reminder")
        .order_by("window")
        .values_list("window", flat=True)
    )


def test_default_offsets_are_a_week_and_a_day_plus_an_hour_for_webinars():
    assert sorted(reminder_windows()) == [
        ("1d", DAY, None),
        ("1h", HOUR, "webinar"),
        ("7d", 7 * DAY, None),
    ]
    assert parse_offset("30m") == datetime.timedelta(minutes=30)
    with pytest.raises(ValueError):
        parse_offset("soon")


def test_each_window_is_sent_when_due(beat):
    next_week = confirmed(event_starting_in(6 * DAY + 20 * HOUR))
    tomorrow = confirmed(event_starting_in(20 * HOUR))
    webinar_soon = confirmed(event_starting_in(50 * MINUTE, kind=Event.Kind.WEBINAR))
    event_soon = confirmed(event_starting_in(50 * MINUTE))

    beat()

    assert windows_for(next_week) == ["7d"]
    assert windows_for(tomorrow) == ["1d"]
    assert windows_for(webinar_soon) == ["1h"]  # the 1-day window is long past its lead
    assert windows_for(event_soon) == []  # an hour before is for webinars only
    assert len(mail.outbox) == 3
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_not_due_yet_or_already_started(beat):
    far = confirmed(event_starting_in(8 * DAY))
    started = confirmed(event_starting_in(-10 * MINUTE))
    beat()
    assert windows_for(far) == windows_for(started) == []


def test_rerunning_the_beat_task_never_sends_twice(beat):
    registration = confirmed(event_starting_in(20 * HOUR))
    for _ in range(3):
        beat()
    beat(now=timezone.now() + 2 * HOUR)  # later in the same window
    assert len(mail.outbox) == 1
    assert windows_for(registration) == ["1d"]


def test_no_late_reminder_for_someone_who_registered_inside_the_window(beat):
    event = event_starting_in(20 * HOUR, kind=Event.Kind.WEBINAR)
    early = confirmed(event, registered_ago=3 * DAY)
    late = confirmed(event, registered_ago=2 * HOUR)  # inside the "1 day before" window

    beat()
    assert windows_for(early) == ["1d"]
    assert windows_for(late) == []

    # ...but the late-comer still gets the hour-before reminder of a webinar.
    beat(now=timezone.now() + 19 * HOUR + 10 * MINUTE)
    assert windows_for(late) == ["1h"]
    assert windows_for(early) == ["1d", "1h"]


def test_a_window_is_not_sent_late_after_an_outage(beat):
    """Beat was down when the 1-day window opened; 5 hours before is too late for it."""
    registration = confirmed(event_starting_in(5 * HOUR))
    beat()
    assert windows_for(registration) == []
    assert mail.outbox == []


def test_cancelled_registrations_get_no_reminder(beat, django_capture_on_commit_callbacks):
    event = event_starting_in(20 * HOUR)
    cancelled_before = confirmed(event)
    with django_capture_on_commit_callbacks(execute=True):
        events.registration_cancel(registration=cancelled_before)
    mail.outbox.clear()

    beat()

    assert windows_for(cancelled_before) == []
    assert mail.outbox == []


def test_cancelled_after_the_reminder_was_queued_is_skipped(
    beat, django_capture_on_commit_callbacks
):
    """The worker re-reads the registration: queued, then cancelled, then picked up."""
    registration = confirmed(event_starting_in(20 * HOUR))
    notifications.reminders_enqueue_due()  # queued; the hand-off runs on commit, not yet
    Registration.objects.filter(pk=registration.pk).update(status="cancelled")

    with django_capture_on_commit_callbacks(execute=True):
        pass
    notifications.notifications_dispatch(Notification.objects.values_list("pk", flat=True))

    row = Notification.objects.get(kind="event_reminder")
    assert row.status == "skipped" and "no longer registered" in row.last_error
    assert mail.outbox == []


def test_cancelled_event_gets_no_reminder(beat):
    event = event_starting_in(20 * HOUR)
    registration = confirmed(event)
    notifications.reminders_enqueue_due()
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)

    notifications.notifications_dispatch(Notification.objects.values_list("pk", flat=True))

    row = Notification.objects.get(recipient=registration.user)
    assert row.status == "skipped" and "cancelled" in row.last_error
    assert mail.outbox == []


def test_reminders_switched_off_are_skipped_and_logged(beat):
    registration = confirmed(event_starting_in(20 * HOUR), notify_reminders=False)
    beat()
    row = Notification.objects.get(recipient=registration.user)
    assert row.status == "skipped" and "notify_reminders" in row.last_error
    assert mail.outbox == []


def test_updates_switched_off_skip_the_confirmation(django_capture_on_commit_callbacks):
    educator = factories.EducatorFactory(notify_updates=False)
    with django_capture_on_commit_callbacks(execute=True):
        events.registration_create(event=factories.EventFactory(), user=educator)
    assert mail.outbox == []
    assert Notification.objects.get(recipient=educator).status == "skipped"


def test_each_session_of_a_program_gets_its_own_reminder(beat):
    start = timezone.now() + 20 * HOUR
    program = factories.EventFactory(
        kind=Event.Kind.PROGRAM,
        sessions=[(start, start + 2 * HOUR), (start + 6 * DAY, start + 6 * DAY + 2 * HOUR)],
    )
    registration = confirmed(program)
    beat()
    rows = Notification.objects.filter(recipient=registration.user).order_by("window")
    assert [(row.window, row.object_id) for row in rows] == [
        ("1d", program.sessions.all()[0].pk),
        ("7d", program.sessions.all()[1].pk),
    ]


def _queries(function) -> int:
    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)


def test_reminder_sweep_query_count_does_not_grow_with_the_number_of_reminders():
    """Guards against an N+1 in the beat task: one query per window to find what is due
    (registrations × sessions, minus what is in the outbox), one INSERT for all new rows,
    one SELECT of the ids to hand over; never a query per reminder."""
    from communities.models import Meeting

    for model in (EventSession, Meeting):  # cached per process after first use
        ContentType.objects.get_for_model(model)
    confirmed(event_starting_in(20 * HOUR))
    one = _queries(notifications.reminders_enqueue_due)
    assert Notification.objects.count() == 1

    event = event_starting_in(21 * HOUR, kind=Event.Kind.WEBINAR)
    for _ in range(50):
        confirmed(event)
    fifty = _queries(notifications.reminders_enqueue_due)
    assert Notification.objects.count() == 51

    nothing_new = _queries(notifications.reminders_enqueue_due)
    # SAVEPOINT; event sessions: 3 windows (7d, 1d, 1h), INSERT, SELECT ids; CoP
    # meetings: 2 windows (7d, 1d), SELECT ids (nothing to insert); RELEASE.
    assert one == fifty == nothing_new + 1 == 10


def test_sending_a_batch_costs_the_same_few_queries_per_message():
    """Guards against loading what a message is about once per message: a batch reads
    every row's subject, registration and recipient in bulk; what remains per message is
    the row lock, the check and the update that makes it exactly-once."""
    from trec.notifications.delivery import deliver

    def batch_of(n):
        event = event_starting_in(20 * HOUR)
        for _ in range(n):
            confirmed(event)
        notifications.reminders_enqueue_due()
        ids = list(Notification.objects.filter(status="pending").values_list("pk", flat=True))
        with CaptureQueriesContext(connection) as context:
            report = deliver(ids)
        assert len(report.sent) == n
        return len(context.captured_queries)

    one, fifty = batch_of(1), batch_of(50)
    per_message = (fifty - one) / 49
    assert per_message == 4  # SAVEPOINT, SELECT … FOR UPDATE SKIP LOCKED, UPDATE, RELEASE
    assert one - per_message == 3  # rows with recipients, sessions with events, registrations


def test_at_a_program_only_chosen_sessions_are_reminded_once_someone_chooses(beat):
    """A summit with two breakouts tomorrow: someone who built a schedule hears about
    their choice only; someone who chose nothing yet hears about every session."""
    from events.models import SessionChoice

    start = timezone.now() + 20 * HOUR
    program = factories.ProgramFactory()
    chosen = factories.ProgramSessionFactory(
        event=program, starts_at=start, ends_at=start + HOUR, title="Phonics"
    )
    other = factories.ProgramSessionFactory(
        event=program, starts_at=start, ends_at=start + HOUR, title="Math talks"
    )
    builder = confirmed(program)
    undecided = confirmed(program)
    SessionChoice.objects.create(
        registration=builder, session=chosen, status=SessionChoice.Status.CONFIRMED
    )

    beat()

    def sessions_of(registration):
        return set(
            Notification.objects.filter(
                recipient=registration.user, kind="event_reminder"
            ).values_list("object_id", flat=True)
        )

    assert sessions_of(builder) == {chosen.pk}
    assert sessions_of(undecided) == {chosen.pk, other.pk}
