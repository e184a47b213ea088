"""iCalendar (RFC 5545) files: one VEVENT per session, stable UIDs, times in UTC.

Each event keeps a SEQUENCE (``Event.calendar_sequence``) that grows whenever anything
a calendar shows changes (a session added, moved or removed, the venue, the join
link, a cancellation), and the state it last showed (``Event.calendar_state``) to tell
what changed. Mails carry iTIP files (RFC 5546): ``METHOD:REQUEST`` on confirmation
and on every change, ``METHOD:CANCEL`` on cancellation, so the entry a person already
has is updated in place; feeds carry no METHOD and ask to be refreshed hourly.
"""

import datetime
from collections.abc import Iterable
from email.utils import parseaddr

from django.conf import settings
from icalendar import Calendar, vCalAddress, vDuration
from icalendar import Event as VEvent

from trec.i18n import localized
from trec.mail import absolute_url

from .models import Event, EventSession

REQUEST = "REQUEST"
CANCEL = "CANCEL"
REFRESH = datetime.timedelta(hours=1)


def session_uid(session: EventSession) -> str:
    return f"event-{session.event_id}-session-{session.pk}@trec-hub"


def session_location(session: EventSession, event: Event) -> str:
    """The room, then the venue and its full address: "Room 2, Pima College, 401 N Bonita"."""
    return ", ".join(part for part in (session.location, event.venue_name, event.address) if part)


def calendar_state(event: Event, sessions: Iterable[EventSession]) -> dict:
    """What a calendar shows of the event, to compare before and after a change."""
    return {
        "title": event.title,
        "venue": ", ".join(part for part in (event.venue_name, event.address) if part),
        "join_url": event.join_url,
        "status": event.status,
        "sessions": {
            str(session.pk): {
                "title": session.title,
                "starts_at": session.starts_at.isoformat(),
                "ends_at": session.ends_at.isoformat(),
                "location": session.location,
            }
            for session in sessions
        },
    }


def calendar_changes(before: dict, after: dict) -> list[dict]:
    """What changed for the people registered, one entry per change, naming the session."""
    changes = []
    old, new = before.get("sessions", {}), after.get("sessions", {})
    for pk, session in new.items():
        if pk not in old:
            changes.append({"change": "added", **session})
        elif (old[pk]["starts_at"], old[pk]["ends_at"]) != (
            session["starts_at"],
            session["ends_at"],
        ):
            changes.append({"change": "moved", **session, "before": old[pk]["starts_at"]})
        elif old[pk]["location"] != session["location"]:
            changes.append({"change": "room", **session, "before": old[pk]["location"]})
    # A removed session keeps its id: its calendar entry (the UID) is cancelled by name.
    changes += [{"change": "removed", "pk": pk, **old[pk]} for pk in old if pk not in new]
    if before.get("venue") != after.get("venue"):
        changes.append(
            {"change": "venue", "location": after["venue"], "before": before.get("venue")}
        )
    if before.get("join_url") != after.get("join_url"):
        changes.append({"change": "join_url", "join_url": after["join_url"]})
    return changes


def removed_sessions(event: Event, changes: Iterable[dict]) -> list[EventSession]:
    """The sessions a change removed, rebuilt (unsaved) from what calendars showed of
    them, so a METHOD:CANCEL can name their UIDs after the rows are gone."""
    return [
        EventSession(
            pk=int(change["pk"]),
            event=event,
            title=change.get("title", ""),
            starts_at=datetime.datetime.fromisoformat(change["starts_at"]),
            ends_at=datetime.datetime.fromisoformat(change["ends_at"]),
            location=change.get("location", ""),
        )
        for change in changes
        if change.get("change") == "removed" and change.get("pk")
    ]


def _address(email: str, name: str = "") -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = name
    return address


def build_calendar(
    sessions: Iterable[EventSession],
    *,
    name: str,
    include_join_links: bool = False,
    method: str = "",
    attendee: str = "",
) -> bytes:
    """A VCALENDAR for these sessions (each with `event` and `event.provider` loaded).

    Join links are for confirmed registrants only: pass include_join_links=True only
    for a person's own file or feed. `method` (REQUEST or CANCEL) makes it an iTIP
    message to `attendee`; without it, it is a feed or a download.
    """
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.HUB_NAME}//Professional learning//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    else:
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(REFRESH))
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = datetime.datetime.now(tz=datetime.UTC)
    organizer = _address(parseaddr(settings.DEFAULT_FROM_EMAIL)[1], settings.HUB_NAME)
    for session in sessions:
        event = session.event
        url = absolute_url(event.get_absolute_url())
        vevent = VEvent()
        vevent.add("uid", session_uid(session))
        vevent.add("sequence", event.calendar_sequence)
        vevent.add("dtstamp", stamp)
        vevent.add("dtstart", session.starts_at.astimezone(datetime.UTC))
        vevent.add("dtend", session.ends_at.astimezone(datetime.UTC))
        title = localized(event, "title")
        summary = f"{title}: {localized(session, 'title')}" if session.title else title
        vevent.add("summary", summary)
        location = session_location(session, event)
        if include_join_links and event.join_url:
            location = location or event.join_url
        if location:
            vevent.add("location", location)
        description = [event.summary, "", f"{event.provider.name}", url]
        if include_join_links and event.join_url:
            description += ["", f"Join: {event.join_url}"]
        vevent.add("description", "\n".join(description))
        vevent.add("url", url)
        if method:
            vevent.add("organizer", organizer)
            if attendee:
                vevent.add("attendee", _address(attendee), parameters={"RSVP": "FALSE"})
        if method == CANCEL or event.status == event.Status.CANCELLED:
            vevent.add("status", "CANCELLED")
        else:
            vevent.add("status", "CONFIRMED")
        calendar.add_component(vevent)
    return calendar.to_ical()
