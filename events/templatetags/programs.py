"""The program box on the event page: links to the schedule, the resource expo and the
Spotlight segments (with recordings and provider links once it has taken place)."""

from django import template
from django.utils import timezone

from events.access import can_run_check_in
from events.models import Event, Registration
from events.programs.selectors import expo_booths

register = template.Library()


@register.inclusion_tag("events/program/_detail_program.html", takes_context=True)
def program_panel(context, event):
    """Three queries, for programs only: the expo booths, the Spotlight segments and the
    calls for proposals open now (events.proposals)."""
    if event.kind != Event.Kind.PROGRAM:
        return {"show": False}
    request = context["request"]
    page = context.get("page")
    registration = getattr(page, "registration", None)
    spotlight = list(
        event.sessions.filter(featured_provider__isnull=False)
        .select_related("featured_provider")
        .order_by("starts_at")
    )
    return {
        "show": True,
        "event": event,
        "booths": expo_booths(event),
        "spotlight": spotlight,
        "open_calls": list(
            event.calls.filter(opens_at__lte=timezone.now(), closes_at__gt=timezone.now())
        ),
        "registered": registration is not None
        and registration.status == Registration.Status.CONFIRMED,
        "can_check_in": can_run_check_in(event=event, user=request.user),
    }
