"""iCalendar (RFC 5545) files: one VEVENT per session, stable UIDs, times in UTC."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from icalendar import Calendar
from icalendar import Event as VEvent

from trec.i18n import localized
from trec.mail import absolute_url

from .models import EventSession


def session_uid(session: EventSession) -> str:
    return f"event-{session.event_id}-session-{session.pk}@trec-hub"


def build_calendar(
    sessions: Iterable[EventSession], *, name: str, include_join_links: bool = False
) -> bytes:
    """A VCALENDAR for these sessions (each with `event` and `event.provider` loaded).

    Join links are for confirmed registrants only: pass include_join_links=True only
    for a person's private feed.
    """
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.HUB_NAME}//Professional learning//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = datetime.datetime.now(tz=datetime.UTC)
    for session in sessions:
        event = session.event
        url = absolute_url(event.get_absolute_url())
        vevent = VEvent()
        vevent.add("uid", session_uid(session))
        vevent.add("dtstamp", stamp)
        vevent.add("dtstart", session.starts_at.astimezone(datetime.UTC))
        vevent.add("dtend", session.ends_at.astimezone(datetime.UTC))
        title = localized(event, "title")
        summary = f"{title}: {localized(session, 'title')}" if session.title else title
        vevent.add("summary", summary)
        location = session.location or ", ".join(
            part for part in (event.venue_name, event.address) if part
        )
        if include_join_links and event.join_url:
            location = location or event.join_url
        if location:
            vevent.add("location", location)
        description = [event.summary, "", f"{event.provider.name}", url]
        if include_join_links and event.join_url:
            description += ["", f"Join: {event.join_url}"]
        vevent.add("description", "\n".join(description))
        vevent.add("url", url)
        if event.status == event.Status.CANCELLED:
            vevent.add("status", "CANCELLED")
        calendar.add_component(vevent)
    return calendar.to_ical()
