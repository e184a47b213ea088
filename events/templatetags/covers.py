"""Covers and date tiles for event cards and the event page (events.covers): no query,
everything comes from the event row the page already has."""

from django import template

from events import covers
from trec.i18n import localized

register = template.Library()

SIZES = {
    # One card per row on phones, two from 40rem, three beside the catalog filters.
    "card": "(min-width: 72rem) 20rem, (min-width: 40rem) 45vw, 100vw",
    "hero": "(min-width: 72rem) 44rem, 100vw",
}


@register.inclusion_tag("events/_cover.html")
def event_cover(event, size: str = "card", eager: bool = False):
    """{% event_cover event "card" eager=forloop.first %}: the uploaded picture in
    several widths (width and height set, lazy unless `eager`), or the cover drawn from
    the event's theme. A card's cover is decorative (the title says it all); the
    event page's picture carries its alt text."""
    picture = covers.cover_picture(event)
    return {
        "event": event,
        "picture": picture,
        "alt": localized(event, "cover_alt") if size == "hero" else "",
        "sizes": SIZES.get(size, SIZES["card"]),
        "size": size,
        "eager": eager,
        "theme": covers.theme(event.cover_theme),
    }
