"""Calendars that follow every change: the confirmation's entry is updated in place by a
change (same UID, higher SEQUENCE, METHOD:REQUEST) and removed by a cancellation
(METHOD:CANCEL), read by two independent parsers (icalendar and vobject); feeds ask to
be refreshed and show the venue's full address."""

import datetime

import icalendar
import pytest
import vobject
from django.core import mail
from django.urls import reverse

from events import services as events
from events.models import Event
from tests import factories

pytestmark = pytest.mark.django_db


def ics_of(message) -> str:
    (content,) = [
        content for name, content, _type in message.attachments if name and name.endswith(".ics")
    ]
    return content.decode() if isinstance(content, bytes) else content


def sent(kind: str):
    (message,) = [m for m in mail.outbox if m.extra_headers["X-TREC-Notification"] == kind]
    return message


def read_with_icalendar(text: str) -> tuple[str, str, int, str]:
    calendar = icalendar.Calendar.from_ical(text)
    (vevent,) = calendar.walk("VEVENT")
    return (
        str(calendar.get("method")),
        str(vevent["uid"]),
        int(vevent["sequence"]),
        str(vevent["location"]),
    )


def read_with_vobject(text: str) -> tuple[str, str, int, str]:
    calendar = vobject.readOne(text)
    vevent = calendar.vevent
    return (
        calendar.method.value,
        vevent.uid.value,
        int(vevent.sequence.value),
        vevent.location.value,
    )


def test_confirm_change_cancel_update_the_same_calendar_entry(django_capture_on_commit_callbacks):
    event = factories.EventFactory(
        title="STEM Saturday",
        format=Event.Format.IN_PERSON,
        venue_name="Pima College",
        address="401 N Bonita Ave, Tucson, AZ 85709",
    )
    session = event.sessions.get()
    session.location = "Room 2"
    session.save()
    events.event_saved(event=event)
    educator = factories.EducatorFactory(email="rosa@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        events.registration_create(event=event, user=educator)
    confirmation = ics_of(sent("registration_confirmed"))

    session.starts_at += datetime.timedelta(days=2)
    session.ends_at += datetime.timedelta(days=2)
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        events.event_saved(event=event)
        events.event_saved(event=Event.objects.get(pk=event.pk))  # saved again, no change
    change_mail = sent("event_changed")
    change = ics_of(change_mail)
    assert "Moved: STEM Saturday" in change_mail.body  # says which session, from when to when

    with django_capture_on_commit_callbacks(execute=True):
        events.event_cancel(event=event, reason="Flooded.")
    cancellation = ics_of(sent("event_cancelled"))

    for read in (read_with_icalendar, read_with_vobject):
        (m1, uid1, seq1, where), (m2, uid2, seq2, _), (m3, uid3, seq3, _) = (
            read(text) for text in (confirmation, change, cancellation)
        )
        assert (m1, m2, m3) == ("REQUEST", "REQUEST", "CANCEL")
        assert uid1 == uid2 == uid3
        assert seq1 < seq2 < seq3
        assert where == "Room 2, Pima College, 401 N Bonita Ave, Tucson, AZ 85709"
    cancelled = vobject.readOne(cancellation).vevent
    assert cancelled.status.value == "CANCELLED"
    assert cancelled.attendee.value == "mailto:rosa@example.org"
    assert cancelled.organizer.value.startswith("mailto:")


def test_adding_and_removing_sessions_and_a_new_venue_are_told_once_each(
    django_capture_on_commit_callbacks,
):
    event = factories.EventFactory(title="Summer Institute", venue_name="Old Hall")
    factories.RegistrationFactory(event=event, user=factories.EducatorFactory(email="a@x.org"))
    first = event.sessions.get()
    with django_capture_on_commit_callbacks(execute=True):
        event.sessions.create(
            title="Day 2",
            starts_at=first.starts_at + datetime.timedelta(days=1),
            ends_at=first.ends_at + datetime.timedelta(days=1),
        )
        event.venue_name = "New Hall"
        event.save()
        events.event_saved(event=event)
    added = sent("event_changed")
    assert "Added: Day 2" in added.body and "New venue: New Hall" in added.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        event.sessions.filter(title="Day 2").delete()
        events.event_saved(event=event)
    assert "Removed: Day 2" in sent("event_changed").body


def test_the_private_feed_asks_to_be_refreshed_and_escapes_its_name(client):
    educator = factories.EducatorFactory()
    event = factories.EventFactory(title="Math, Science; and More", venue_name="Pima College")
    factories.RegistrationFactory(event=event, user=educator)
    response = client.get(reverse("accounts:calendar_feed", args=[educator.calendar_token]))
    text = response.content.decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in text
    assert "X-PUBLISHED-TTL:PT1H" in text
    assert "METHOD" not in text
    feed = vobject.readOne(text)
    assert feed.vevent.summary.value == "Math, Science; and More"
    assert "SUMMARY:Math\\, Science\\; and More" in text
    assert icalendar.Calendar.from_ical(text)["x-wr-calname"]


def calendars_of(message) -> dict[str, str]:
    """{METHOD: file} of a message's .ics attachments."""
    files = [c for name, c, _type in message.attachments if name and name.endswith(".ics")]
    texts = [c.decode() if isinstance(c, bytes) else c for c in files]
    return {str(icalendar.Calendar.from_ical(text)["method"]): text for text in texts}


def entries_with_icalendar(text: str) -> dict[str, tuple[int, str]]:
    calendar = icalendar.Calendar.from_ical(text)
    return {str(v["uid"]): (int(v["sequence"]), str(v["status"])) for v in calendar.walk("VEVENT")}


def entries_with_vobject(text: str) -> dict[str, tuple[int, str]]:
    calendar = vobject.readOne(text)
    return {v.uid.value: (int(v.sequence.value), v.status.value) for v in calendar.vevent_list}


def test_a_removed_session_leaves_the_calendar_and_the_rest_is_updated(
    django_capture_on_commit_callbacks,
):
    event = factories.EventFactory(title="Summer Institute")
    first = event.sessions.get()
    first.title = "Day 1"
    first.save()
    event.sessions.create(
        title="Day 2",
        starts_at=first.starts_at + datetime.timedelta(days=1),
        ends_at=first.ends_at + datetime.timedelta(days=1),
    )
    events.event_saved(event=event)
    educator = factories.EducatorFactory(email="rosa@example.org")
    waiting = factories.EducatorFactory(email="wait@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        events.registration_create(event=event, user=educator)
    confirmation = calendars_of(sent("registration_confirmed"))["REQUEST"]
    before = entries_with_icalendar(confirmation)
    day1_uid, day2_uid = (
        f"event-{event.pk}-session-{s.pk}@trec-hub" for s in event.sessions.order_by("starts_at")
    )
    assert set(before) == {day1_uid, day2_uid}
    factories.RegistrationFactory(event=event, user=waiting, status="waitlisted")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        event.sessions.filter(title="Day 2").delete()
        events.event_saved(event=event)

    messages = {m.to[0]: m for m in mail.outbox}
    change = messages["rosa@example.org"]
    assert "Removed: Day 2" in change.body  # which session, in the text part
    assert "Day 2" in change.alternatives[0][0]  # and in the HTML part
    files = calendars_of(change)
    assert set(files) == {"REQUEST", "CANCEL"}
    confirmed_seq = before[day1_uid][0]
    for read in (entries_with_icalendar, entries_with_vobject):
        assert read(files["REQUEST"]) == {day1_uid: (confirmed_seq + 1, "CONFIRMED")}
        assert read(files["CANCEL"]) == {day2_uid: (confirmed_seq + 1, "CANCELLED")}
    assert vobject.readOne(files["CANCEL"]).vevent.attendee.value == "mailto:rosa@example.org"
    # Someone on the waiting list has no entry to update: told, with no calendar file.
    assert "Removed: Day 2" in messages["wait@example.org"].body
    assert calendars_of(messages["wait@example.org"]) == {}
