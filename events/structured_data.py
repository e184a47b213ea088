"""What an event page tells machines: link previews (Open Graph, Twitter cards) and
schema.org ``Event`` JSON-LD for search engines. Built from what the page already
loaded (event, provider, sessions, seats): no query of its own."""

import json
from dataclasses import dataclass
from urllib.parse import quote

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from events.catalog import EventPage
from events.models import Event
from trec.i18n import localized
from trec.mail import absolute_url

SCHEMA = "https://schema.org/"
ATTENDANCE_MODE = {
    Event.Format.IN_PERSON: "OfflineEventAttendanceMode",
    Event.Format.VIRTUAL: "OnlineEventAttendanceMode",
    Event.Format.HYBRID: "MixedEventAttendanceMode",
}
# json_script's escapes: no "</script>", "<!--" or "&" can end or bend the script element.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@dataclass(frozen=True)
class EventMeta:
    url: str  # the page's canonical address
    image: str  # the provider's logo, absolute; "" when there is none
    map_url: str  # OpenStreetMap search for the venue's address; "" when not in person
    json_ld: SafeString


def event_meta(page: EventPage) -> EventMeta:
    event = page.event
    url = absolute_url(event.get_absolute_url())
    image = absolute_url(event.provider.logo.url) if event.provider.logo else ""
    map_url = ""
    if event.format != Event.Format.VIRTUAL and event.address:
        map_url = "https://www.openstreetmap.org/search?query=" + quote(event.address, safe="")
    data = event_json_ld(page, url=url, image=image)
    return EventMeta(url=url, image=image, map_url=map_url, json_ld=json_ld_script(data))


def event_json_ld(page: EventPage, *, url: str, image: str) -> dict:
    event = page.event
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": localized(event, "title"),
        "description": localized(event, "summary"),
        "url": url,
        "eventStatus": SCHEMA
        + ("EventCancelled" if event.status == Event.Status.CANCELLED else "EventScheduled"),
        "eventAttendanceMode": SCHEMA + ATTENDANCE_MODE[event.format],
        "location": _locations(event, url=url),
        "organizer": {
            "@type": "Organization",
            "name": event.provider.name,
            "url": absolute_url(event.provider.get_absolute_url()),
        },
        "offers": {
            "@type": "Offer",
            "price": f"{event.cost:.2f}",
            "priceCurrency": "USD",
            "availability": SCHEMA + ("SoldOut" if page.is_full else "InStock"),
            "url": url,
        },
        "inLanguage": event.language,
    }
    if page.sessions:
        data["startDate"] = page.sessions[0].starts_at
        data["endDate"] = max(session.ends_at for session in page.sessions)
    if image:
        data["image"] = [image]
    return data


def _locations(event: Event, *, url: str) -> list[dict]:
    locations = []
    if event.format != Event.Format.VIRTUAL:
        place = {"@type": "Place", "name": event.venue_name or event.address}
        if event.address:
            place["address"] = {"@type": "PostalAddress", "streetAddress": event.address}
        if place["name"]:
            locations.append(place)
    if event.format != Event.Format.IN_PERSON:
        # The page, never the join link: that is for registrants only.
        locations.append({"@type": "VirtualLocation", "url": url})
    return locations


def json_ld_script(data: dict) -> SafeString:
    """<script type="application/ld+json"> with json_script's escaping."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308 - escaped above
