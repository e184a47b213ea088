"""Listing fast, in the events back office: duplicate a listing (its dates kept or moved),
add a recurring series of sessions in one step, save a listing as its provider's
template and start a new one from a template, and the bulk actions for provider staff
(submit for review, close registration, duplicate, export as CSV).

Who: back-office users with the event permissions. Every page and action looks events
up through the EventAdmin's scoped queryset (providers.access.ProviderScopedAdmin), so
provider staff reach only their own providers' events and templates; anything else is
a 404. The forms parse; events.listing writes.
"""

import csv
import datetime
import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from events import listing
from events.models import ListingTemplate
from providers.access import provider_ids_for
from trec.exports import csv_cell
from trec.forms import DateField, check_year, parse_id

from .views import _context, get_event_for_editor

# --- Forms -------------------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class DuplicateForm(forms.Form):
    first_day = DateField(
        label=gettext_lazy("New date of the first session"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy(
            "Every session moves by the same number of days, at the same times. Leave "
            "blank to keep the dates."
        ),
    )

    def clean_first_day(self):
        day = self.cleaned_data.get("first_day")
        listing.check_not_past(day)
        return day


SKIP_SPLIT = re.compile(r"[\n,;]+")


COUNT_RANGE = listing.COUNT_RANGE


class SeriesForm(forms.Form):
    first = DateField(label=gettext_lazy("First session on"), widget=DateInput())
    starts = forms.TimeField(
        label=gettext_lazy("Starts at"), widget=TimeInput(), help_text=gettext_lazy("Arizona time.")
    )
    minutes = forms.IntegerField(
        label=gettext_lazy("Length (minutes)"), min_value=15, max_value=12 * 60, initial=60
    )
    frequency = forms.ChoiceField(
        label=gettext_lazy("Repeats"),
        choices=listing.Frequency.choices,
        initial=listing.Frequency.WEEKLY,
        widget=forms.RadioSelect,
    )
    count = forms.IntegerField(
        label=gettext_lazy("Number of sessions"),
        min_value=1,
        max_value=listing.SERIES_MAX,
        initial=6,
        error_messages={
            "min_value": COUNT_RANGE % {"max": listing.SERIES_MAX},
            "max_value": COUNT_RANGE % {"max": listing.SERIES_MAX},
        },
    )
    skip = forms.CharField(
        label=gettext_lazy("Skip these dates (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 40}),
        help_text=gettext_lazy(
            "Holidays and breaks, as 2027-03-16, one per line or separated by commas. The "
            "series goes on after them, so it still has its number of sessions."
        ),
    )
    title = forms.CharField(
        label=gettext_lazy("Title of each session (optional)"), required=False, max_length=200
    )
    location = forms.CharField(
        label=gettext_lazy("Room or location (optional)"), required=False, max_length=200
    )

    def clean_skip(self):
        days, bad = set(), []
        for word in SKIP_SPLIT.split(self.cleaned_data.get("skip", "")):
            word = word.strip()
            if not word:
                continue
            try:
                day = datetime.date.fromisoformat(word)
                check_year(day)
            except (ValueError, ValidationError):
                bad.append(word)
            else:
                days.add(day)
        if bad:
            raise ValidationError(
                ngettext(
                    "“%(values)s” is not a date like 2027-03-16.",
                    "“%(values)s” are not dates like 2027-03-16.",
                    len(bad),
                )
                % {"values": "”, “".join(bad)}
            )
        return frozenset(days)

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            self.series = listing.Series(
                first=cleaned["first"],
                starts=cleaned["starts"],
                minutes=cleaned["minutes"],
                frequency=cleaned["frequency"],
                count=cleaned["count"],
                skip=cleaned["skip"],
                title=cleaned["title"].strip(),
                location=cleaned["location"].strip(),
            )
            try:
                self.series.check()
            except ValidationError as problems:
                self.add_error(None, problems)
        return cleaned


class TemplateNameForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Template name"),
        max_length=200,
        help_text=gettext_lazy(
            "Saving under the name of an existing template of your organisation replaces it."
        ),
    )


# --- Pages -------------------------------------------------------------------------


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _render(model_admin, request, template: str, context: dict):
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, f"admin/events/event/{template}", context)


def _change_url(event) -> str:
    return reverse("admin:events_event_change", args=[event.pk])


def duplicate_view(model_admin, request, object_id):
    """Who: people who may add events and see this one. Choose the new first date (or
    keep the dates); the copy is a draft of the same provider."""
    event = get_event_for_editor(model_admin, request, object_id)
    _require(model_admin.has_add_permission(request))
    form = DuplicateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        copy = listing.event_duplicate(
            event=event, by=request.user, first_day=form.cleaned_data["first_day"]
        )
        messages.success(
            request,
            _(
                "“%(title)s” was copied as a draft with its sessions, topics and grade bands. "
                "Check it and save to send it for review."
            )
            % {"title": copy.title},
        )
        return HttpResponseRedirect(_change_url(copy))
    sessions = list(event.sessions.order_by("starts_at")[:1])
    context = _context(
        model_admin,
        request,
        event,
        _("Duplicate"),
        form=form,
        first_session=sessions[0] if sessions else None,
        session_count=event.sessions.count(),
        change_url=_change_url(event),
    )
    return _render(model_admin, request, "duplicate_form.html", context)


def series_view(model_admin, request, object_id):
    """Who: people who may change this event. Adds a weekly, fortnightly or monthly
    series of sessions in one step; errors re-show the form with what was typed."""
    event = get_event_for_editor(model_admin, request, object_id)
    _require(model_admin.has_change_permission(request, event))
    form = SeriesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sessions = listing.event_add_series(event=event, series=form.series)
        except ValidationError as problems:
            form.add_error(None, problems)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d session was added, from %(first)s to %(last)s.",
                    "%(count)d sessions were added, from %(first)s to %(last)s.",
                    len(sessions),
                )
                % {
                    "count": len(sessions),
                    "first": date_format(timezone.localtime(sessions[0].starts_at), "DATE_FORMAT"),
                    "last": date_format(timezone.localtime(sessions[-1].starts_at), "DATE_FORMAT"),
                },
            )
            return HttpResponseRedirect(_change_url(event))
    context = _context(
        model_admin,
        request,
        event,
        _("Add a series of sessions"),
        form=form,
        existing=event.sessions.count(),
        change_url=_change_url(event),
    )
    return _render(model_admin, request, "series_form.html", context)


def save_template_view(model_admin, request, object_id):
    """Who: people who may add events and see this one. Saves the listing (texts,
    settings, topics, grade bands; no dates) as a template of its provider."""
    event = get_event_for_editor(model_admin, request, object_id)
    _require(model_admin.has_add_permission(request))
    form = TemplateNameForm(request.POST or None, initial={"name": event.title})
    if request.method == "POST" and form.is_valid():
        try:
            template, created = listing.template_save(
                event=event, name=form.cleaned_data["name"], by=request.user
            )
        except ValidationError as problem:
            form.add_error("name", problem)
        else:
            messages.success(
                request,
                (
                    _("Saved as the template “%(name)s”.")
                    if created
                    else _("The template “%(name)s” was replaced.")
                )
                % {"name": template.name},
            )
            return HttpResponseRedirect(_change_url(event))
    context = _context(
        model_admin,
        request,
        event,
        _("Save as template"),
        form=form,
        change_url=_change_url(event),
    )
    return _render(model_admin, request, "template_form.html", context)


def templates_for(request):
    ids = provider_ids_for(request.user)
    templates = ListingTemplate.objects.select_related("provider")
    return templates if ids is None else templates.filter(provider_id__in=ids)


def templates_view(model_admin, request):
    """Who: people who may add events. Their providers' templates; POST "use" makes a
    new draft from one, "delete" removes one. Another provider's template is a 404."""
    _require(model_admin.has_add_permission(request))
    if request.method == "POST":
        pk = parse_id(request.POST.get("template", ""))
        template = templates_for(request).filter(pk=pk).first() if pk else None
        if template is None:
            raise Http404("No such template")
        if request.POST.get("do") == "delete":
            listing.template_delete(template=template)
            messages.success(
                request, _("The template “%(name)s” was deleted.") % {"name": template.name}
            )
            return HttpResponseRedirect(reverse("admin:events_event_templates"))
        try:
            event = listing.event_from_template(template=template, by=request.user)
        except ValidationError as problem:
            messages.error(request, " ".join(problem.messages))
            return HttpResponseRedirect(reverse("admin:events_event_templates"))
        messages.success(
            request,
            _(
                "A new draft was made from the template “%(name)s”. Add its sessions (one by "
                "one, or as a series) and save to send it for review."
            )
            % {"name": template.name},
        )
        return HttpResponseRedirect(_change_url(event))
    context = _context(
        model_admin,
        request,
        None,
        _("New from template"),
        templates=list(templates_for(request).order_by("provider__name", "name")),
        show_provider=provider_ids_for(request.user) is None
        or len(provider_ids_for(request.user)) > 1,
        changelist_url=reverse("admin:events_event_changelist"),
    )
    return _render(model_admin, request, "templates.html", context)


def urls(model_admin, page, info: str) -> list:
    """The listing pages, wired by EventAdmin.get_urls with its admin_view wrapper."""
    return [
        path("templates/", page(templates_view), name=f"{info}_templates"),
        path("<int:object_id>/duplicate/", page(duplicate_view), name=f"{info}_duplicate"),
        path("<int:object_id>/series/", page(series_view), name=f"{info}_series"),
        path(
            "<int:object_id>/save-as-template/",
            page(save_template_view),
            name=f"{info}_save_template",
        ),
    ]


# --- Bulk actions (called by EventAdmin's actions with its scoped queryset) -------------


def submit_for_review(model_admin, request, queryset):
    outcome = listing.events_submit(events=queryset.select_related("provider"))
    if outcome.done:
        messages.success(
            request,
            ngettext(
                "%(count)d listing was sent to the hub's coordinators for review.",
                "%(count)d listings were sent to the hub's coordinators for review.",
                len(outcome.done),
            )
            % {"count": len(outcome.done)},
        )
    for event in outcome.waiting:
        messages.info(
            request,
            _("“%(title)s” is already waiting for a coordinator's review.")
            % {"title": event.title},
        )
    for event, reason in outcome.skipped:
        messages.warning(
            request,
            _("“%(title)s” was not sent: %(reason)s.") % {"title": event.title, "reason": reason},
        )


def close_registration(model_admin, request, queryset):
    changed = listing.events_close_registration(events=queryset)
    messages.success(
        request,
        ngettext(
            "Registration is now closed for %(count)d listing; people already registered "
            "keep their places.",
            "Registration is now closed for %(count)d listings; people already registered "
            "keep their places.",
            changed,
        )
        % {"count": changed},
    )


def duplicate(model_admin, request, queryset):
    copies = listing.events_duplicate(events=queryset.order_by("starts_at", "pk"), by=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d listing was copied as a draft, dates kept: open it to move its dates.",
            "%(count)d listings were copied as drafts, dates kept: open each to move its dates.",
            len(copies),
        )
        % {"count": len(copies)},
    )


def export_csv(model_admin, request, queryset):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="listings-{stamp}.csv"'
    response.write("\ufeff")  # Excel reads the accents right
    writer = csv.writer(response)
    writer.writerow(listing.EXPORT_HEADER)
    for row in listing.export_rows(queryset):
        writer.writerow([csv_cell(value) if isinstance(value, str) else value for value in row])
    return response
