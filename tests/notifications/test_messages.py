"""Each kind of message, once, as the educator gets it: a plain subject, a text and an
HTML part in the hub's look, and the link to their notification preferences."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from events import notifications as event_messages
from events import services as events
from events.models import Attendance, Event
from tests import factories
from trec.accounts.models import GradeBand
from trec.notifications import registry
from trec.notifications import services as notifications
from trec.notifications.models import Notification

from .factories import confirmed, event_starting_in

pytestmark = pytest.mark.django_db

PREFERENCES = "http://127.0.0.1:8000/me/profile/#notifications"


def parts(message) -> tuple[str, str]:
    html = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    assert len(html) == 1, "one HTML alternative"
    return message.body, html[0]


def the_one_message(to: str):
    """The only message sent to `to`, checked for the hub's e-mail conventions."""
    sent = [message for message in mail.outbox if message.to == [to]]
    assert len(sent) == 1, [m.subject for m in sent]
    message = sent[0]
    text, html = parts(message)
    assert "\n" not in message.subject and message.subject == message.subject.strip()
    assert PREFERENCES in text, "text part links to the preferences"
    assert f'href="{PREFERENCES}"' in html, "HTML part links to the preferences"
    assert "<p>" not in text and "<html" in html
    assert "TREC Hub" in html  # the hub's header
    assert message.extra_headers["Message-ID"].startswith("<notification.")
    return message, text, html


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a write and everything it queued on commit (Celery runs in-process in tests)."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


def test_confirmation_has_the_calendar_file_and_the_join_link(run):
    event = factories.EventFactory(
        title="Math Talks for K-2",
        join_url="https://meet.example.org/math",
        sessions=[
            (factories.in_days(5), factories.in_days(5, hour=18)),
            (factories.in_days(12), factories.in_days(12, hour=18)),
        ],
    )
    educator = factories.EducatorFactory(first_name="Ana", last_name="Lopez")

    run(events.registration_create, event=event, user=educator)

    message, text, html = the_one_message(educator.email)
    assert message.subject == "You're registered: Math Talks for K-2"
    assert "Hello Ana Lopez," in text and 'registered for "Math Talks for K-2"' in text
    assert "https://meet.example.org/math" in text and "https://meet.example.org/math" in html
    (attachment,) = message.attachments
    assert attachment.filename == f"{event.slug}.ics" and attachment.mimetype == "text/calendar"
    calendar = Calendar.from_ical(attachment.content)
    assert len(calendar.walk("VEVENT")) == 2
    row = Notification.objects.get(recipient=educator)
    assert row.kind == "registration_confirmed" and row.status == "sent"
    assert row.sent_at is not None and row.attempts == 1 and row.message_id


def test_waitlisted_with_position_then_promoted_when_a_seat_frees(run):
    event = factories.EventFactory(title="Literacy Lab", capacity=1)
    holder = factories.EducatorFactory()
    waiting = factories.EducatorFactory()
    seat = run(events.registration_create, event=event, user=holder).registration
    run(events.registration_create, event=event, user=waiting)

    message, text, html = the_one_message(waiting.email)
    assert message.subject == "You're on the waiting list: Literacy Lab"
    assert "waiting list: number 1." in text and "<strong>number 1</strong>" in html
    assert not message.attachments

    mail.outbox.clear()
    run(events.registration_cancel, registration=seat)

    message, text, _html = the_one_message(waiting.email)
    assert message.subject == "A seat opened up, you're in: Literacy Lab"
    assert len(message.attachments) == 1  # now confirmed: the calendar file
    message, text, _html = the_one_message(holder.email)
    assert message.subject == "Registration cancelled: Literacy Lab"
    assert "seat goes to the next person waiting" in text


def test_pending_approval_then_declined(run):
    event = factories.EventFactory(title="Coaching Cohort", requires_approval=True)
    educator = factories.EducatorFactory()
    registration = run(events.registration_create, event=event, user=educator).registration

    message, text, _html = the_one_message(educator.email)
    assert message.subject == "Request received: Coaching Cohort"
    assert "approves each registration" in text

    mail.outbox.clear()
    run(events.registration_decide, registration=registration, approve=False)
    message, text, _html = the_one_message(educator.email)
    assert message.subject == "Your registration was not approved: Coaching Cohort"


def test_approval_confirms_with_the_confirmation_message(run):
    event = factories.EventFactory(title="Coaching Cohort", requires_approval=True)
    educator = factories.EducatorFactory()
    registration = run(events.registration_create, event=event, user=educator).registration
    mail.outbox.clear()

    run(events.registration_decide, registration=registration, approve=True)

    message, _text, _html = the_one_message(educator.email)
    assert message.subject == "You're registered: Coaching Cohort"


def test_event_cancelled_reaches_every_registrant_once_with_the_reason(run):
    event = factories.EventFactory(title="Science Night", capacity=1)
    first, second = factories.EducatorFactory(), factories.EducatorFactory()
    run(events.registration_create, event=event, user=first)
    run(events.registration_create, event=event, user=second)  # waiting
    mail.outbox.clear()

    emailed = run(events.event_cancel, event=event, reason="The presenter is ill.")
    again = run(events.event_cancel, event=event, reason="Twice?")

    assert (emailed, again) == (2, 0)
    for person in (first, second):
        message, text, html = the_one_message(person.email)
        assert message.subject == "Cancelled: Science Night"
        assert "The presenter is ill." in text and "The presenter is ill." in html
    assert Notification.objects.filter(kind="event_cancelled", status="sent").count() == 2


def test_event_changed_when_its_dates_move(run):
    event = factories.EventFactory(title="STEM Saturday")
    educator = factories.EducatorFactory()
    run(events.registration_create, event=event, user=educator)
    mail.outbox.clear()

    session = event.sessions.get()
    session.starts_at += datetime.timedelta(days=2)
    session.ends_at += datetime.timedelta(days=2)
    session.save()
    run(events.event_saved, event=event)
    run(events.event_saved, event=Event.objects.get(pk=event.pk))  # saved again, no change

    message, text, html = the_one_message(educator.email)
    assert message.subject == "Changed: STEM Saturday"
    assert "Moved: STEM Saturday, from " in text and "Moved: STEM Saturday, from " in html
    assert timezone.localtime(session.starts_at).strftime("%B %-d, %Y") in text


def test_reminder_before_a_session(run):
    event = event_starting_in(
        datetime.timedelta(hours=20), title="Family Engagement", venue_name="Room 12"
    )
    registration = confirmed(event)

    run(notifications.reminders_enqueue_due)

    message, text, html = the_one_message(registration.user.email)
    assert message.subject.startswith("Reminder: Family Engagement starts ")
    assert "Where: Room 12" in text and "Room 12" in html
    assert Notification.objects.get().window == "1d"


def test_followup_links_to_the_event_page_without_a_survey(run):
    event = event_starting_in(-datetime.timedelta(hours=6), title="Writers Workshop")
    registration = confirmed(event)
    Attendance.objects.create(registration=registration, session=event.sessions.get())
    confirmed(event)  # registered, never came: no follow-up

    run(event_messages.followups_enqueue_due)

    message, text, html = the_one_message(registration.user.email)
    assert message.subject == "How was Writers Workshop?"
    assert f"http://127.0.0.1:8000/events/{event.slug}/" in text
    assert f'href="http://127.0.0.1:8000/events/{event.slug}/"' in html
    assert "http://127.0.0.1:8000/me/transcript/" in text  # where the hours are
    assert 'href="http://127.0.0.1:8000/me/transcript/"' in html
    assert len(mail.outbox) == 1


def test_followup_links_to_the_feedback_survey_when_one_exists(run, monkeypatch):
    monkeypatch.setattr(registry, "_feedback_resolvers", [])
    registry.register_feedback_survey(lambda event: f"http://127.0.0.1:8000/surveys/{event.slug}/")
    event = event_starting_in(-datetime.timedelta(hours=6), title="Writers Workshop")
    registration = confirmed(event)
    Attendance.objects.create(registration=registration, session=event.sessions.get())

    run(event_messages.followups_enqueue_due)

    _message, text, html = the_one_message(registration.user.email)
    assert f"http://127.0.0.1:8000/surveys/{event.slug}/" in text
    assert "two-minute survey" in html


def test_weekly_digest_lists_new_events_that_match_the_profile(run):
    k2 = GradeBand.objects.get(code="k-2")
    high = GradeBand.objects.get(code="9-12")
    reader = factories.EducatorFactory(notify_digest=True, grade_bands=[k2])
    factories.EducatorFactory(notify_digest=False, grade_bands=[k2])  # not opted in
    factories.EventFactory(title="Phonics Playbook", grade_bands=[k2])
    factories.EventFactory(title="Calculus Circle", grade_bands=[high])

    run(event_messages.digest_enqueue_weekly)

    message, text, html = the_one_message(reader.email)
    assert message.subject == "New professional learning for you this week"
    assert "Phonics Playbook" in text and "Phonics Playbook" in html
    assert "Calculus Circle" not in text
    assert len(mail.outbox) == 1


def test_digest_with_nothing_new_is_skipped_not_sent(run):
    reader = factories.EducatorFactory(notify_digest=True)
    run(event_messages.digest_enqueue_weekly)
    assert mail.outbox == []
    row = Notification.objects.get(recipient=reader)
    assert row.status == "skipped" and "No new events" in row.last_error


def test_every_registered_kind_has_both_templates():
    from django.template.loader import get_template

    kinds = registry.all_kinds()
    assert {kind.code for kind in kinds} >= {
        "registration_confirmed",
        "registration_waitlisted",
        "registration_promoted",
        "registration_cancelled",
        "event_cancelled",
        "event_changed",
        "event_reminder",
        "event_followup",
        "weekly_digest",
    }
    for kind in kinds:
        for template in kind.template_names():
            get_template(f"{template}.txt")
            get_template(f"{template}.html")
        # None: work for staff (a school's visit request), which no preference switches off.
        assert kind.preference in {"notify_reminders", "notify_updates", "notify_digest", None}


def test_messages_are_written_in_the_recipients_language(run):
    event = factories.EventFactory(
        title="Lectura en voz alta",
        sessions=[(factories.in_days(10), factories.in_days(10, hour=18))],
    )
    educator = factories.EducatorFactory(first_name="Lucía", preferred_language="es")
    english = factories.EducatorFactory(preferred_language="en")

    run(events.registration_create, event=event, user=educator)
    run(events.registration_create, event=event, user=english)

    message, text, html = the_one_message(educator.email)
    assert message.subject == "Inscripción confirmada: Lectura en voz alta"
    assert text.startswith("Hola, Lucía")
    assert "Está inscrito/a en <strong>Lectura en voz alta</strong>." in html
    month = timezone.localtime(event.sessions.get().starts_at).month
    spanish_months = [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ]
    assert spanish_months[month - 1] in text  # dates in Spanish too
    english_message, _text, _html = the_one_message(english.email)
    assert english_message.subject == "You're registered: Lectura en voz alta"


@pytest.mark.django_db(transaction=True)
def test_the_embedded_default_sends_through_the_command_without_redis(capsys):
    """No beat and no Redis on `make run`: the command runs the jobs in-process and says
    what it sent, not what it found."""
    from django.core.management import call_command

    registration = confirmed(event_starting_in(datetime.timedelta(hours=20)))
    switched_off = confirmed(event_starting_in(datetime.timedelta(hours=20)))
    type(switched_off.user).objects.filter(pk=switched_off.user_id).update(notify_reminders=False)
    call_command("send_due_notifications")
    out = capsys.readouterr().out
    assert "reminders 2" in out and "sent 1, skipped 1, failed 0, still waiting 0" in out
    the_one_message(registration.user.email)


def test_the_digest_matches_topics_of_interest_and_the_district_too():
    from django.utils import timezone as tz

    from events.notifications import digest_events

    topic = factories.TopicFactory(name="Restorative Practice")
    district = factories.DistrictFactory(name="Sunnyside Unified")
    provider = factories.ProviderFactory(name="Sunnyside Partners")
    provider.service_area.set([district])
    reader = factories.EducatorFactory(district=district, grade_bands=[])
    reader.grade_bands.clear()
    reader.interests.set([topic])
    factories.EventFactory(title="Circles That Work", topics=[topic])
    factories.EventFactory(title="Sunnyside Family Night", provider=provider)
    factories.EventFactory(title="Unrelated Elsewhere")
    old = factories.EventFactory(title="Old News", topics=[topic])
    Event.objects.filter(pk=old.pk).update(published_at=tz.now() - datetime.timedelta(days=9))

    titles = [event.title for event in digest_events(reader, now=tz.now())]

    assert sorted(titles) == ["Circles That Work", "Sunnyside Family Night"]
