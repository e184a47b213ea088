"""The public catalog, the event page and the educator's actions on it.

Views parse the request, call one selector (events.catalog) or one service
(events.services), and render or redirect. Who may see what is stated on each view.
"""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from trec import visitors
from trec.accounts.decorators import signed_in
from trec.cache import cache_seconds, versioned_key

from . import services, showcase
from .access import access_event_for_viewer
from .catalog import (
    active_registration,
    catalog_page,
    event_page,
)
from .ical import build_calendar
from .models import Event, Registration
from .search import suggest as search_suggest
from .structured_data import event_meta

GOOGLE_CALENDAR = "https://calendar.google.com/calendar/render"


# --- Reading -----------------------------------------------------------------------


@require_safe
def catalog(request):
    """Who: everyone. The catalog of listed events, with search, facets and pages.

    A submitted filter form sends every field, most of them empty; those are dropped
    with a redirect so the address bar always holds a short, shareable URL."""
    if any(value == "" for _key, values in request.GET.lists() for value in values):
        query = QueryDict(mutable=True)
        for key, values in request.GET.lists():
            kept = [value for value in values if value != ""]
            if kept:
                query.setlist(key, kept)
        return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)
    search_text, body = _catalog_body(request)
    # "Tell me about new events like these" saves the filters, not the sort or page.
    save_query = request.GET.copy()
    for name in ("sort", "page"):
        save_query.pop(name, None)
    return render(
        request,
        "events/catalog.html",
        {
            "search_text": search_text,
            "catalog_body": body,
            "save_search_query": save_query.urlencode(),
        },
    )


def _catalog_body(request) -> tuple[str, str]:
    """The catalog's body (facets, results, pages) for this query string and language.
    Nothing in it depends on who is looking, so it is cached for
    CACHED_READS["catalog_page"] seconds (a few) under the catalog's version, which any
    change to an event, session, topic or provider bumps (trec/cache_signals.py): a
    popular search is counted and rendered once, not once per visitor. Seats left can
    lag a registration by those few seconds; the event page is always current."""
    seconds = cache_seconds("catalog_page")
    key = versioned_key("catalog_page", {"query": sorted(request.GET.lists())})
    cached = cache.get(key) if seconds else None
    if cached is None:
        catalog = catalog_page(params=request.GET, page_number=request.GET.get("page"))
        cards = render_cards(catalog.page.object_list, request)
        body = render_to_string(
            "events/_catalog_body.html", {"catalog": catalog, "cards": cards}, request
        )
        cached = (catalog.search_text, str(body))
        if seconds:
            cache.set(key, cached, seconds)
    search_text, body = cached
    return search_text, mark_safe(body)  # noqa: S308 - our own template's output


def render_cards(events, request) -> list[str]:
    """Each event's card (events/_event_card.html), rendered once and shared by every
    catalog page that lists it, for CACHED_READS["catalog_cards"] seconds: the key holds
    the event, its stored seat count and next session, the language and the catalog's
    version (any change to an event, session, topic or provider bumps it). One cache
    round trip for the page's cards; only the missing ones are rendered."""
    template = get_template("events/_event_card.html")

    def render(index: int, event) -> str:
        # The first card's cover loads eagerly (it is the page's largest image).
        return template.render({"event": event, "forloop": {"first": index == 0}}, request)

    seconds = cache_seconds("catalog_cards")
    if not seconds:
        return [render(index, event) for index, event in enumerate(events)]
    prefix = versioned_key("catalog_page", {"cards": True})
    keys = [
        f"{prefix}:{event.pk}:{event.confirmed_count}:"
        f"{event.next_starts_at.timestamp() if event.next_starts_at else ''}:{index == 0:d}"
        for index, event in enumerate(events)
    ]
    found = cache.get_many(keys)
    fresh = {
        key: render(index, event)
        for index, (key, event) in enumerate(zip(keys, events, strict=True))
        if key not in found
    }
    if fresh:
        cache.set_many(fresh, seconds)
    return [mark_safe(found.get(key) or fresh[key]) for key in keys]  # noqa: S308 - ours


@require_safe
def suggest(request):
    """Who: everyone. As-you-type suggestions for the catalog's search box (topics,
    providers, titles), as JSON: {"suggestions": [{"type": "topic", "label": "…"}]}.
    The search form works without it (static/js/catalog-suggest.js adds it). Cached
    like the facet counts, under the catalog's version."""
    text = request.GET.get("q", "")
    seconds = cache_seconds("catalog_facets")
    key = versioned_key("catalog", {"suggest": text})
    found = cache.get(key) if seconds else None
    if found is None:
        found = search_suggest(text)
        if seconds:
            cache.set(key, found, seconds)
    response = JsonResponse(
        {"suggestions": [{"type": kind, "label": label} for kind, label in found]}
    )
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_safe
@visitors.with_device_cookie
def detail(request, slug):
    """Who: everyone for published events (and for published-then-cancelled or
    archived ones, with a banner); drafts and listings under review only for the
    event's provider staff and coordinators. Anyone else: 404."""
    page = event_page(slug=slug, user=request.user)
    return render(
        request,
        "events/detail.html",
        {
            "page": page,
            "event": page.event,
            "google_calendar_links": _google_calendar_links(request, page),
            "undo_cancel": _undo_cancel_open(request, page),
            "meta": event_meta(page),
            "presenters": showcase.presenters(page.event),
            "materials": showcase.materials(page.event, page.registration),
            "related": showcase.related_events(page.event),
            "next_session": showcase.next_session(page.sessions),
        },
    )


@require_safe
def calendar(request, slug):
    """Who: as the event page. Every session as an iCalendar (RFC 5545) event, with the
    same UIDs as the educator's private feed. The file is public: never a join link."""
    page = event_page(slug=slug, user=request.user)
    if not page.sessions:
        return HttpResponse(
            _("This event has no dated sessions."), status=404, content_type="text/plain"
        )
    ics = build_calendar(page.sessions, name=page.event.title, include_join_links=False)
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{page.event.slug}.ics"'
    return response


CLICKS = "provider-click"  # the tally's scope (trec.visitors)


@require_safe
def go(request, slug):
    """Who: everyone who may see the event. Counts a click on "Register on the
    provider's site" (for the impact report; one per person or device a day, and not
    past the per-address limit: trec.visitors), then sends the visitor there."""
    event = access_event_for_viewer(user=request.user, slug=slug)
    if event.registration_mode != Event.RegistrationMode.EXTERNAL:
        return redirect(event)
    if not visitors.over_limit(request, scope=CLICKS):
        services.outbound_click_record(
            event=event,
            user=request.user,
            visitor_key=visitors.visitor_key(request, scope=CLICKS),
        )
    return redirect(event.external_registration_url)


# --- Educator actions (POST, signed in) ----------------------------------------------


def _event_url(slug) -> str:
    """Where an anonymous visitor comes back to after signing in: the event's page."""
    return reverse("events:detail", kwargs={"slug": slug})


@require_POST
@signed_in(back_to=_event_url)
def register(request, slug):
    """Who: signed-in users (others are sent to sign in). Registers the user:
    confirmed, waitlisted when full, or pending when the provider approves."""
    event = access_event_for_viewer(user=request.user, slug=slug)
    if str(event.pk) in request.session.get(UNDO_CANCEL, {}):
        request.session[UNDO_CANCEL] = {
            key: until
            for key, until in request.session[UNDO_CANCEL].items()
            if key != str(event.pk)
        }
    try:
        result = services.registration_create(event=event, user=request.user)
    except services.RegistrationClosed as closed:
        messages.error(request, closed.messages[0])
        return redirect(event)
    registration = result.registration
    title = event.title
    if not result.created:
        text = _("You're already registered for %(title)s.") % {"title": title}
        if registration.status == Registration.Status.WAITLISTED:
            text += " " + _("You are number %(position)s on the waiting list.") % {
                "position": registration.waitlist_position
            }
        messages.info(request, text)
    elif registration.status == Registration.Status.CONFIRMED:
        messages.success(request, _("You're registered for %(title)s.") % {"title": title})
    elif registration.status == Registration.Status.WAITLISTED:
        messages.success(
            request,
            _("%(title)s is full: you are number %(position)s on the waiting list.")
            % {"title": title, "position": registration.waitlist_position},
        )
    else:
        messages.success(
            request,
            _(
                "Your request for a place at %(title)s is sent: the provider will confirm "
                "your registration."
            )
            % {"title": title},
        )
    return redirect(event)


@require_POST
@signed_in(back_to=_event_url)
def cancel(request, slug):
    """Who: signed-in users, for their own registration only (404 when they have
    none). A freed seat goes to the first person waiting."""
    event = access_event_for_viewer(user=request.user, slug=slug)
    registration = active_registration(event=event, user=request.user)
    had_seat = registration.status == Registration.Status.CONFIRMED
    services.registration_cancel(registration=registration)
    messages.success(request, _("Your registration is cancelled."))
    if had_seat:
        undo = request.session.get(UNDO_CANCEL, {})
        undo[str(event.pk)] = timezone.now().timestamp() + UNDO_CANCEL_SECONDS
        request.session[UNDO_CANCEL] = undo
    return redirect(event)


UNDO_CANCEL = "events-undo-cancel"
UNDO_CANCEL_SECONDS = 15 * 60


def _undo_cancel_open(request, page) -> bool:
    """True for a few minutes after the viewer cancelled a confirmed seat here, while
    registering again would still give them a seat (nobody took it)."""
    if not request.user.is_authenticated or page.registration or not page.can_register:
        return False
    until = request.session.get(UNDO_CANCEL, {}).get(str(page.event.pk), 0)
    return until > timezone.now().timestamp() and not page.is_full


@require_POST
@signed_in(back_to=_event_url)
def save(request, slug):
    """Who: signed-in users. Saves the event for later, or un-saves it."""
    event = access_event_for_viewer(user=request.user, slug=slug)
    if services.saved_event_toggle(event=event, user=request.user):
        messages.success(request, _("Saved for later. You'll find it in My hub."))
    else:
        messages.info(request, _("Removed from your saved events."))
    return redirect(event)


# --- Calendars ----------------------------------------------------------------------


def _session_summary(event: Event, session) -> str:
    return f"{event.title}: {session.title}" if session.title else event.title


def _location(event: Event, session=None) -> str:
    parts = [session.location if session else "", event.venue_name, event.address]
    place = ", ".join(part for part in parts if part)
    if place:
        return place
    return _("Online") if event.format == Event.Format.VIRTUAL else ""


def _utc(moment):
    return moment.astimezone(datetime.UTC)


def _google_calendar_links(request, page) -> list[tuple]:
    """(session, "add to Google Calendar" link) for each session still to come: Google
    takes one session a link, so a series gets one a session."""
    event = page.event
    url = request.build_absolute_uri(event.get_absolute_url())
    stamp = "%Y%m%dT%H%M%SZ"
    now = timezone.now()
    links = []
    for session in page.sessions:
        if session.ends_at < now:
            continue
        params = {
            "action": "TEMPLATE",
            "text": _session_summary(event, session),
            "dates": f"{_utc(session.starts_at):{stamp}}/{_utc(session.ends_at):{stamp}}",
            "details": f"{event.summary}\n\n{url}",
            "location": _location(event, session),
        }
        links.append((session, f"{GOOGLE_CALENDAR}?{urlencode(params)}"))
    return links
