"""Who may reach which event and program: views get their objects through these.

- An event's page: everyone, when the event is public; its own provider's staff and
  coordinators also see the rest (a draft, a listing under review, a private event);
  everyone else 404 (another provider's draft is simply not there).
- A program's schedule: as its event page; ordinary events have none (404).
- A program's check-in desk and session attendance: coordinators and the event's own
  provider staff; other signed-in people 403 (404 when they cannot see the program).

Lookups are ``access_<thing>_for_<role>(*, user, ...)``: they return the object or raise
Http404 / PermissionDenied. Signing in is the view's decorator
(trec.accounts.decorators.signed_in).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from providers.access import provider_ids_for

from .models import Event


def event_is_public(event: Event) -> bool:
    """Published events are public. So are events that were published and later
    cancelled or archived: registrants, calendar files and shared links still point at
    them, and the page says what happened. Drafts and listings under review are not,
    nor are private events (a school visit on the provider's calendar)."""
    if event.is_private:
        return False
    if event.status == Event.Status.PUBLISHED:
        return True
    return (
        event.status in (Event.Status.CANCELLED, Event.Status.ARCHIVED)
        and event.published_at is not None
    )


def can_view_event(*, event: Event, user) -> bool:
    """Everyone sees public events; the event's own provider staff and coordinators
    see the rest (to preview a draft or check a listing under review)."""
    if event_is_public(event):
        return True
    if not user.is_authenticated:
        return False
    ids = provider_ids_for(user)
    return ids is None or event.provider_id in ids


def can_run_check_in(*, event: Event, user) -> bool:
    """Coordinators and the event's own provider staff."""
    if not user.is_authenticated:
        return False
    ids = provider_ids_for(user)
    return ids is None or event.provider_id in ids


def access_event_for_viewer(*, user, slug: str, queryset: QuerySet | None = None) -> Event:
    """The event at `slug` if `user` may see it, else 404 (not 403: another provider's
    draft is simply not there)."""
    if queryset is None:
        queryset = Event.objects.select_related("provider")
    event = queryset.filter(slug=slug).first()
    if event is None or not can_view_event(event=event, user=user):
        raise Http404("No such event")
    return event


def access_program_for_viewer(*, user, slug: str) -> Event:
    """A program the user may see (as the event page), else 404; ordinary events have
    no schedule page."""
    event = access_event_for_viewer(user=user, slug=slug)
    if event.kind != Event.Kind.PROGRAM:
        raise Http404("Not a program")
    return event


def access_program_for_staff(*, user, slug: str) -> Event:
    """The program whose check-in desk the user may run: 404 for an ordinary event or
    one they cannot see at all; 403 when they are neither a coordinator nor the
    provider's staff."""
    event = Event.objects.select_related("provider").filter(slug=slug).first()
    if event is None or event.kind != Event.Kind.PROGRAM:
        raise Http404("No such program")
    if not can_view_event(event=event, user=user):
        raise Http404("No such program")
    if not can_run_check_in(event=event, user=user):
        raise PermissionDenied(
            _("Only the hub's coordinators and the provider's staff can do this.")
        )
    return event
