"""Custom pages of the events back office: the roster (check-in, CSV, e-mail to all
registrants), cancelling an event, returning listings with a comment, and the example
import file.

Who: back-office users. Every page looks the event up through the EventAdmin's scoped
queryset, so provider staff reach only their own providers' events; anything else is a
404, never a 403. Writes go through events.services.
"""

import csv
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events import attendance, services
from events.models import Attendance, Event, EventSession, Registration
from providers.models import Provider
from trec.accounts.roles import is_coordinator
from trec.exports import csv_cell
from trec.notifications.staff_messages import staff_message_page
from trec.rosters import PersonFacts, attended_by_row, grid_cells, grid_pairs

from .forms import CancelForm, ReturnForm
from .resources import example_rows

Status = Registration.Status


def get_event_for_editor(model_admin, request, object_id) -> Event:
    """The event, if this back-office user may see it; otherwise 404."""
    try:
        pk = int(object_id)
    except (TypeError, ValueError):
        raise Http404("No such event") from None
    event = model_admin.get_queryset(request).select_related("provider").filter(pk=pk).first()
    if event is None or not model_admin.has_view_permission(request, event):
        raise Http404("No such event")
    return event


def _admin_url(name: str, *args) -> str:
    return reverse(f"admin:events_event_{name}", args=args)


def _context(model_admin, request, event: Event | None, title: str, **extra) -> dict:
    """The admin's page context; the event's title is the subtitle (an <h2> under the
    page's <h1>, and part of the browser tab's title)."""
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        "subtitle": event.title if event else None,
        "original": event,
        **extra,
    }


# --- Roster -----------------------------------------------------------------------


def session_label(session: EventSession, *, short: bool = False) -> str:
    start = timezone.localtime(session.starts_at)
    when = date_format(start, "M j" if short else "D, M j, Y, g:i A")
    return f"{session.title} ({when})" if session.title else when


@dataclass
class RosterRow(PersonFacts):
    registration: Registration
    attended: set[int] = field(default_factory=set)
    cells: list[dict] = field(default_factory=list)

    @property
    def user(self):
        return self.registration.user


@dataclass
class Roster:
    event: Event
    sessions: list[EventSession]
    confirmed: list[RosterRow]
    pending: list[RosterRow]
    waitlisted: list[RosterRow]
    inactive: list[RosterRow]  # cancelled or declined

    @property
    def active_count(self) -> int:
        return len(self.confirmed) + len(self.pending) + len(self.waitlisted)

    @property
    def seats_line(self) -> str:
        taken = len(self.confirmed)
        if self.event.capacity is None:
            return ngettext(
                "%(taken)d confirmed (no seat limit)",
                "%(taken)d confirmed (no seat limit)",
                taken,
            ) % {"taken": taken}
        return ngettext(
            "%(taken)d of %(capacity)d seat taken",
            "%(taken)d of %(capacity)d seats taken",
            self.event.capacity,
        ) % {"taken": taken, "capacity": self.event.capacity}

    def rows(self):
        yield from self.confirmed
        yield from self.pending
        yield from self.waitlisted
        yield from self.inactive


def build_roster(event: Event) -> Roster:
    """Everyone registered for `event`, grouped by status, in a fixed number of queries
    (sessions, registrations with their people, their grade bands, attendance)."""
    sessions = list(event.sessions.all())
    registrations = (
        Registration.objects.filter(event=event)
        .select_related("user", "user__district", "user__school")
        .prefetch_related("user__grade_bands")
        .with_waitlist_position()
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    attended = attended_by_row(
        Attendance.objects.filter(registration__event=event),
        person="registration",
        occasion="session",
    )
    groups = defaultdict(list)
    for registration in registrations:
        row = RosterRow(registration, attended[registration.pk])
        groups[registration.status].append(row)
    for row in groups[Status.CONFIRMED]:
        row.cells = grid_cells(row.registration.pk, row.name, sessions, row.attended, session_label)
    return Roster(
        event=event,
        sessions=sessions,
        confirmed=groups[Status.CONFIRMED],
        pending=sorted(groups[Status.PENDING], key=lambda r: r.registration.created_at),
        waitlisted=sorted(groups[Status.WAITLISTED], key=lambda r: r.registration.queue_number),
        inactive=groups[Status.CANCELLED] + groups[Status.DECLINED],
    )


def save_attendance(
    *, roster: Roster, shown, checked, marked_by, override: bool = False
) -> tuple[int, int]:
    """Parse the grid's "<registration>-<session>" cells and record them (services)."""
    allowed = {(row.registration.pk, s.pk) for row in roster.confirmed for s in roster.sessions}
    return attendance.attendance_mark(
        event=roster.event,
        allowed=allowed,
        shown=grid_pairs(shown),
        checked=grid_pairs(checked),
        marked_by=marked_by,
        override=override,
    )


def _can_mark_attendance(request, model_admin, event) -> bool:
    user = request.user
    return (
        model_admin.has_view_permission(request, event)
        and user.has_perm("events.add_attendance")
        and user.has_perm("events.delete_attendance")
    )


def roster_view(model_admin, request, object_id):
    """Who: coordinators, and staff of the event's provider. GET shows the roster; POST
    saves the attendance grid."""
    event = get_event_for_editor(model_admin, request, object_id)
    roster = build_roster(event)
    can_mark = _can_mark_attendance(request, model_admin, event)
    if request.method == "POST":
        if not can_mark:
            raise PermissionDenied
        try:
            added, removed = save_attendance(
                roster=roster,
                shown=request.POST.getlist("shown"),
                checked=request.POST.getlist("attended"),
                marked_by=request.user,
                override=request.POST.get("override") == "1",
            )
        except ValidationError as refused:
            messages.error(request, refused.messages[0])
        else:
            messages.success(
                request,
                _("Attendance saved: %(added)d checked in, %(removed)d unmarked.")
                % {"added": added, "removed": removed},
            )
        return HttpResponseRedirect(_admin_url("roster", event.pk))
    context = _context(
        model_admin,
        request,
        event,
        _("Roster"),
        roster=roster,
        can_mark=can_mark,
        session_labels=[session_label(s) for s in roster.sessions],
        change_url=_admin_url("change", event.pk),
        csv_url=_admin_url("roster_csv", event.pk),
        email_url=_admin_url("roster_email", event.pk),
        registrations_url=reverse("admin:events_registration_changelist")
        + f"?event__id__exact={event.pk}",
    )
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/events/event/roster.html", context)


ROSTER_CSV_HEADER = [
    "name",
    "email",
    "status",
    "waitlist position",
    "role",
    "district",
    "school",
    "grade bands",
    "attended sessions",
]


def roster_csv_view(model_admin, request, object_id):
    """Who: as the roster. The roster as UTF-8 CSV (with a byte-order mark, so
    spreadsheet programs read accents right)."""
    event = get_event_for_editor(model_admin, request, object_id)
    roster = build_roster(event)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="roster-{event.slug}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(ROSTER_CSV_HEADER)
    for row in roster.rows():
        registration, user = row.registration, row.user
        writer.writerow(
            [
                csv_cell(row.name),
                csv_cell(user.email),
                registration.get_status_display(),
                registration.waitlist_position or "",
                user.get_role_display(),
                csv_cell(user.district.name if user.district else ""),
                csv_cell(user.school.name if user.school else ""),
                row.grade_bands,
                len(row.attended),
            ]
        )
    return response


def roster_email_view(model_admin, request, object_id):
    """Who: as the roster. Write to the registrants: choose who (confirmed, waiting,
    attended, everyone), preview it, send a test to yourself, then send; below, the
    log of what was sent to whom (trec.notifications.staff_messages)."""
    event = get_event_for_editor(model_admin, request, object_id)
    if not model_admin.has_change_permission(request, event):
        raise PermissionDenied
    group = services.registrants_group(event=event, sender=request.user)
    page = staff_message_page(request, group=group)
    if page.sent:
        return HttpResponseRedirect(_admin_url("roster_email", event.pk))
    context = _context(
        model_admin,
        request,
        event,
        _("E-mail registrants"),
        **page.context,
        roster_url=_admin_url("roster", event.pk),
        change_url=_admin_url("change", event.pk),
    )
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/events/event/email_form.html", context)


# --- Cancelling and returning listings ------------------------------------------------


def can_cancel(model_admin, request, event: Event) -> bool:
    return event.status != Event.Status.CANCELLED and model_admin.has_change_permission(
        request, event
    )


def cancel_view(model_admin, request, object_id):
    """Who: coordinators, and staff of the event's provider. A confirmation page with an
    optional reason; cancelling e-mails everyone registered or waiting."""
    event = get_event_for_editor(model_admin, request, object_id)
    if not model_admin.has_change_permission(request, event):
        raise PermissionDenied
    change_url = _admin_url("change", event.pk)
    if event.status == Event.Status.CANCELLED:
        messages.info(request, _("This event is already cancelled."))
        return HttpResponseRedirect(change_url)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        emailed = services.event_cancel(
            event=event, reason=form.cleaned_data["reason"], actor=request.user
        )
        messages.success(
            request,
            ngettext(
                "“%(title)s” is cancelled; %(count)d registrant was e-mailed.",
                "“%(title)s” is cancelled; %(count)d registrants were e-mailed.",
                emailed,
            )
            % {"title": event.title, "count": emailed},
        )
        return HttpResponseRedirect(change_url)
    context = _context(
        model_admin,
        request,
        event,
        _("Cancel event"),
        form=form,
        recipients=Registration.objects.filter(event=event, status__in=services.ACTIVE).count(),
        change_url=change_url,
    )
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/events/event/cancel_form.html", context)


RETURNABLE = (Event.Status.DRAFT, Event.Status.SUBMITTED, Event.Status.PUBLISHED)


def return_listings(model_admin, request, queryset):
    """Who: coordinators (the action's permission). The "Return to provider with a
    comment" action: an intermediate page asks for the comment, then each listing goes
    back to its provider (who is e-mailed)."""
    registered = Count("registrations", filter=Q(registrations__status__in=services.ACTIVE))
    events = list(
        queryset.select_related("provider").annotate(registered=registered).order_by("title")
    )
    returnable = [event for event in events if event.status in RETURNABLE]
    skipped = len(events) - len(returnable)
    if not returnable:
        messages.warning(request, _("Cancelled and archived listings cannot be returned."))
        return None
    form = ReturnForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        for event in returnable:
            services.event_return(
                event=event, comment=form.cleaned_data["comment"], actor=request.user
            )
        messages.success(
            request,
            ngettext(
                "Returned %(count)d listing to its provider with your comment.",
                "Returned %(count)d listings to their providers with your comment.",
                len(returnable),
            )
            % {"count": len(returnable)},
        )
        return None  # back to the changelist
    context = _context(
        model_admin,
        request,
        None,
        _("Return listings to their providers"),
        form=form,
        events=returnable,
        skipped=skipped,
        action_checkbox_name=helpers.ACTION_CHECKBOX_NAME,
        changelist_url=reverse("admin:events_event_changelist"),
    )
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/events/event/return_form.html", context)


# --- Import ------------------------------------------------------------------------


def import_template_view(model_admin, request):
    """Who: anyone who may import events. An example CSV that imports cleanly here."""
    if not model_admin.has_import_permission(request):
        raise PermissionDenied
    provider_name = None
    if is_coordinator(request.user):
        first = Provider.objects.order_by("name").first()
        provider_name = first.name if first else "Your provider's name"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="events-import-example.csv"'
    response.write("\ufeff")  # a byte order mark: Excel then reads "K–5" as UTF-8
    writer = csv.writer(response)
    writer.writerows(example_rows(with_provider=provider_name))
    return response
