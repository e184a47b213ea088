"""Program pages: the public schedule, the educator's own schedule and its calendar file,
the check-in desk (search or QR code) and per-session attendance.

Views parse the request, call one selector (events.programs.selectors) or one service
(events.programs.services), and render or redirect. Who may see what is stated on each;
the lookups that enforce it are in events.access.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from events import access
from events.ical import build_calendar
from events.models import Registration, SessionChoice
from trec.accounts.decorators import signed_in, signed_in_to

from . import selectors as programs
from . import services
from .checkin import checkin_path, qr_svg, registration_id_from_token

RETURN_TO = {"schedule": "events:schedule", "my": "events:my_schedule"}


# Sign in, then the program whose check-in desk the person may run (404 / 403).
_staff_page = signed_in_to(access.access_program_for_staff)


def _schedule_url(slug) -> str:
    """Where an anonymous visitor comes back to after signing in: the schedule."""
    return reverse("events:schedule", kwargs={"slug": slug})


# --- The schedule ---------------------------------------------------------------------------


@require_safe
def schedule(request, slug):
    """Who: everyone who may see the program's page (404 for ordinary events). The
    sessions by time and room with seats left; registrants choose sessions here."""
    page = programs.schedule_page(slug=slug, user=request.user)
    return render(request, "events/program/schedule.html", {"schedule": page, "event": page.event})


def _back(request, event):
    name = RETURN_TO.get(request.POST.get("return_to"), "events:schedule")
    url = reverse(name, kwargs={"slug": event.slug})
    session_id = request.POST.get("session", "")
    return redirect(f"{url}#session-{session_id}" if session_id.isdigit() else url)


def _registration_for_choice(request, event):
    registration = programs.viewer_registration(event=event, user=request.user)
    if registration is None:
        messages.error(
            request,
            _("Register for %(title)s first, then choose your sessions.") % {"title": event.title},
        )
    return registration


@require_POST
@signed_in(back_to=_schedule_url)
def schedule_choose(request, slug):
    """Who: signed-in users (others are sent to sign in) with a confirmed registration
    for the program. Adds a session to their schedule, or to its waiting list when full;
    an overlap with a session already chosen is refused with a message naming it."""
    event = access.access_program_for_viewer(user=request.user, slug=slug)
    session = programs.get_session_of(event=event, session_id=_int(request.POST.get("session")))
    registration = _registration_for_choice(request, event)
    if registration is None:
        return redirect(event)
    try:
        result = services.session_choose(registration=registration, session=session)
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
        return _back(request, event)
    label = services.session_label(session)
    choice = result.choice
    if not result.created:
        messages.info(request, _("“%(session)s” is already in your schedule.") % {"session": label})
    elif choice.status == SessionChoice.Status.CONFIRMED:
        messages.success(request, _("Added “%(session)s” to your schedule.") % {"session": label})
    else:
        position = programs.my_choices(registration)[session.pk].position
        messages.success(
            request,
            _("“%(session)s” is full: you are number %(position)s on its waiting list.")
            % {"session": label, "position": position},
        )
    return _back(request, event)


@require_POST
@signed_in(back_to=_schedule_url)
def schedule_drop(request, slug):
    """Who: signed-in users, for their own schedule. Drops a session (or leaves its
    waiting list); the first person waiting gets the seat and an e-mail."""
    event = access.access_program_for_viewer(user=request.user, slug=slug)
    session = programs.get_session_of(event=event, session_id=_int(request.POST.get("session")))
    registration = _registration_for_choice(request, event)
    if registration is None:
        return redirect(event)
    services.session_drop(registration=registration, session=session)
    messages.success(
        request,
        _("“%(session)s” is no longer in your schedule.")
        % {"session": services.session_label(session)},
    )
    return _back(request, event)


@require_safe
@signed_in
def my_schedule(request, slug):
    """Who: signed-in users (others are sent to sign in), about their own registration
    for a program they may see. Their chosen sessions, waiting lists and check-in code."""
    event = access.access_program_for_viewer(user=request.user, slug=slug)
    page = programs.my_schedule_page(event=event, user=request.user)
    checkin_qr = ""
    if page.registration and page.registration.status == Registration.Status.CONFIRMED:
        checkin_qr = qr_svg(
            request.build_absolute_uri(checkin_path(page.registration, slug=event.slug))
        )
    return render(
        request,
        "events/program/my_schedule.html",
        {"schedule": page, "event": event, "checkin_qr": checkin_qr},
    )


@require_safe
@signed_in
def my_schedule_calendar(request, slug):
    """Who: signed-in users (others are sent to sign in). The sessions confirmed in their
    own schedule as an iCalendar file (empty calendar when none)."""
    event = access.access_program_for_viewer(user=request.user, slug=slug)
    sessions = programs.my_chosen_sessions(event=event, user=request.user)
    name = _("My schedule: %(title)s") % {"title": event.title}
    ics = build_calendar(sessions, name=name, include_join_links=True)
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-my-schedule.ics"'
    return response


# --- The check-in desk ------------------------------------------------------------------------


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@require_safe
@_staff_page
def check_in(request, event):
    """Who: coordinators and the event's provider staff (anonymous: sign in; other
    signed-in users: 403; other providers' unpublished programs: 404). Search a name or
    e-mail and check people in with one tap."""
    query = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "events/program/check_in.html",
        {
            "event": event,
            "query": query,
            "registrations": programs.check_in_list(event=event, query=query),
            "counts": programs.check_in_counts(event),
            "sessions": list(event.sessions.order_by("starts_at", "location")),
        },
    )


@require_safe
@_staff_page
def check_in_scan(request, event):
    """Who: as the check-in desk. A scanner for check-in codes where the browser has one
    (static/js/checkin-scan.js); without it, how to use the phone's camera app."""
    prefix = reverse("events:check_in_token", kwargs={"slug": event.slug, "token": "x"})[:-2]
    return render(
        request, "events/program/check_in_scan.html", {"event": event, "code_prefix": prefix}
    )


@require_POST
@_staff_page
def check_in_mark(request, event, registration_id):
    """Who: as the check-in desk. Checks one confirmed registrant in (or undoes it)."""
    registration = Registration.objects.filter(event=event, pk=registration_id).select_related(
        "user"
    )
    registration = registration.first()
    if registration is None:
        return HttpResponse(_("No such registration."), status=404, content_type="text/plain")
    undo = request.POST.get("undo") == "1"
    name = registration.user.display_name
    try:
        services.registration_check_in(registration=registration, by=request.user, undo=undo)
    except ValidationError as refused:
        messages.error(request, f"{name}: {refused.messages[0]}")
    else:
        if undo:
            messages.info(request, _("%(name)s is no longer checked in.") % {"name": name})
        else:
            messages.success(request, _("%(name)s is checked in.") % {"name": name})
    url = reverse("events:check_in", kwargs={"slug": event.slug})
    query = request.POST.get("q", "").strip()[:100]
    return redirect(f"{url}?{urlencode({'q': query})}" if query else url)


@require_http_methods(["GET", "HEAD", "POST"])
@_staff_page
def check_in_token(request, event, token):
    """Who: as the check-in desk. The URL in a registrant's QR code: shows who it is and
    checks them in with one tap (POST). A forged, altered or other event's code: 400."""
    try:
        registration_id = registration_id_from_token(token, event=event)
    except signing.BadSignature:
        return render(request, "events/program/check_in_invalid.html", {"event": event}, status=400)
    registration = (
        Registration.objects.filter(event=event, pk=registration_id).select_related("user").first()
    )
    if registration is None:
        return render(request, "events/program/check_in_invalid.html", {"event": event}, status=400)
    if request.method == "POST":
        try:
            changed = services.registration_check_in(registration=registration, by=request.user)
        except ValidationError as refused:
            messages.error(request, refused.messages[0])
        else:
            name = registration.user.display_name
            if changed:
                messages.success(request, _("%(name)s is checked in.") % {"name": name})
            else:
                messages.info(request, _("%(name)s was already checked in.") % {"name": name})
        return redirect(request.path)
    return render(
        request,
        "events/program/check_in_token.html",
        {"event": event, "registration": registration},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@_staff_page
def session_attendance(request, event, session_id):
    """Who: as the check-in desk. Who attended one session: ticked people earn the
    session's PD hours on their transcript."""
    session = programs.get_session_of(event=event, session_id=session_id)
    if request.method == "POST":
        shown = [_int(value) for value in request.POST.getlist("shown")]
        attended = [_int(value) for value in request.POST.getlist("attended")]
        try:
            added, removed = services.session_attendance_mark(
                session=session,
                shown=shown,
                attended=attended,
                marked_by=request.user,
                override=request.POST.get("override") == "1",
            )
        except ValidationError as refused:
            messages.error(request, refused.messages[0])
        else:
            messages.success(
                request,
                _("Attendance saved: %(added)s added, %(removed)s removed.")
                % {"added": added, "removed": removed},
            )
        return redirect(request.get_full_path())
    query = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "events/program/session_attendance.html",
        {
            "event": event,
            "session": session,
            "query": query,
            "rows": programs.session_attendance_list(session=session, query=query),
        },
    )
