"""Who may reach which survey page: views get their surveys through these.

- Taking a survey: everyone while it is open; identified surveys need an account; event
  feedback is for the event's confirmed registrants (see ``may_answer_feedback``).
- A survey's report and CSV: coordinators every report; provider staff the feedback
  surveys of their own providers' events; everyone else 404.
- Building, previewing and the needs-gap report: coordinators; everyone else 404.
- Attaching event feedback: coordinators and the event's provider staff; others 404.

Lookups are ``access_<thing>_for_<role>(*, user, ...)``: they return the object or raise
Http404. Signing in is the view's decorator (trec.accounts.decorators.signed_in).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from events.models import Event, Registration
from providers.access import provider_ids_for
from trec.accounts.roles import is_coordinator

from .models import Survey


def can_view_report(user, survey: Survey) -> bool:
    """Coordinators: every report. Provider staff: feedback surveys of their own
    providers' events. Nobody else."""
    if not user.is_authenticated:
        return False
    if is_coordinator(user):
        return True
    if not user.is_staff or survey.kind != Survey.Kind.FEEDBACK or survey.event is None:
        return False
    return survey.event.provider_id in provider_ids_for(user)


def may_answer_feedback(user, survey: Survey) -> bool:
    """Event feedback is for the event's registrants (attendees are invited)."""
    if survey.event_id is None:
        return True
    return Registration.objects.filter(
        event_id=survey.event_id, user=user, status=Registration.Status.CONFIRMED
    ).exists()


def access_survey_for_report(*, user, slug: str) -> Survey:
    """The survey when `user` may read its report; 404 otherwise (another provider's
    event feedback is simply not found)."""
    survey = get_object_or_404(Survey.objects.select_related("event__provider"), slug=slug)
    if not can_view_report(user, survey):
        raise Http404("No such report")
    return survey


def access_survey_for_builder(*, user, slug: str) -> Survey:
    """Coordinators build and preview every survey; for anyone else there is no such
    survey to build."""
    if not is_coordinator(user):
        raise Http404("No such survey")
    return get_object_or_404(Survey, slug=slug)


def access_needs_survey_for_coordinator(*, user, slug: str) -> Survey:
    """A needs survey, for its gap report: coordinators only; 404 for everyone else."""
    if not is_coordinator(user):
        raise Http404("No such report")
    return get_object_or_404(Survey, slug=slug, kind=Survey.Kind.NEEDS)


def access_event_for_feedback_staff(*, user, event_id: int) -> Event:
    """An event whose feedback survey the user may attach: coordinators and staff of
    the event's provider; 404 for everyone else."""
    event = get_object_or_404(Event, pk=event_id)
    ids = provider_ids_for(user) if user.is_staff else set()
    if not (is_coordinator(user) or (ids and event.provider_id in ids)):
        raise Http404("No such event")
    return event
