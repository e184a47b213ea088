"""The request queue's decisions in the admin: schedule, mark done, decline. Each form
posts to one view that finds the request through the admin's scoped queryset (another
provider's request is 404), checks the change permission and calls the service."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from . import services
from .forms import CompleteForm, DeclineForm, ScheduleForm
from .models import SessionRequest

Status = SessionRequest.Status
START_TIMES = {
    SessionRequest.TimeOfDay.MORNING: datetime.time(9),
    SessionRequest.TimeOfDay.MIDDAY: datetime.time(12),
    SessionRequest.TimeOfDay.AFTERNOON: datetime.time(14),
    SessionRequest.TimeOfDay.AFTER_SCHOOL: datetime.time(15, 30),
}
FORMS = {"schedule": ScheduleForm, "complete": CompleteForm, "decline": DeclineForm}
ALLOWED = {
    "schedule": (Status.NEW,),
    "complete": (Status.SCHEDULED,),
    "decline": (Status.NEW, Status.SCHEDULED),
}


def _schedule_initial(session_request: SessionRequest) -> dict:
    initial = {"minutes": session_request.duration.minutes}
    for item in session_request.preferred_dates[:1]:
        initial["date"] = item.get("date")
        initial["start_time"] = START_TIMES.get(item.get("time_of_day"), datetime.time(9))
    return initial


def decision_forms(session_request: SessionRequest, bound: dict | None = None) -> dict:
    """The forms the change page shows for the request's current status."""
    bound = bound or {}
    context = {}
    for action, form_class in FORMS.items():
        if session_request.status not in ALLOWED[action]:
            continue
        initial = _schedule_initial(session_request) if action == "schedule" else None
        context[f"{action}_form"] = bound.get(action) or form_class(prefix=action, initial=initial)
    return context


def decide_view(model_admin, request, object_id):
    """Who: coordinators, and staff of the request's provider (others: 404). POST
    `action` = schedule | complete | decline with that form's fields."""
    session_request = model_admin.get_queryset(request).filter(pk=object_id).first()
    if session_request is None:
        raise Http404("No such request")
    if not model_admin.has_change_permission(request, session_request):
        raise PermissionDenied
    action = request.POST.get("action", "")
    if action not in FORMS:
        raise Http404("No such decision")
    change_url = reverse("admin:providers_sessionrequest_change", args=[session_request.pk])
    form = FORMS[action](request.POST, prefix=action)
    if form.is_valid():
        try:
            _apply(action, session_request, form.cleaned_data, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _DONE[action])
        return HttpResponseRedirect(change_url)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": session_request,
        "title": _("Decide on the request from %(school)s")
        % {"school": session_request.school_name},
        "change_url": change_url,
        "decide_url": request.path,
        **decision_forms(session_request, bound={action: form}),
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(
        request, "providers/admin/sessionrequest_decide.html", context, status=400
    )


_DONE = {
    "schedule": _(
        "Scheduled: the visit is on the provider's calendar and the school was e-mailed."
    ),
    "complete": _("Marked as done; the school was e-mailed."),
    "decline": _("Declined; the school was e-mailed the reason."),
}


def _apply(action: str, session_request: SessionRequest, data: dict, user) -> None:
    if action == "schedule":
        services.request_schedule(
            session_request=session_request,
            starts_at=data["starts_at"],
            minutes=data["minutes"],
            by=user,
            note=data.get("note", ""),
        )
    elif action == "complete":
        services.request_complete(session_request=session_request, by=user, note=data["note"])
    else:
        services.request_decline(session_request=session_request, reason=data["reason"], by=user)
