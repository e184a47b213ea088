"""The review desk's reads: the listings waiting for a coordinator, how long each has
waited, and what changed since its last approved version.

What a coordinator approved is kept on the listing (``Event.approved_snapshot``,
written by ``services.event_approve``) as plain values: codes for choices, names for
topics and grade bands, one dict per session. A resubmission is compared with it field
by field; labels are put on at display time, in the reader's language.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from trec.accounts.models import User
from trec.formats import date_phrase

from .models import ACTIVE, Event, EventSession

# The fields a coordinator reviews, in the order of the listing's form.
REVIEWED_FIELDS = [
    "title",
    "title_es",
    "summary",
    "summary_es",
    "description",
    "description_es",
    "is_private",
    "kind",
    "format",
    "language",
    "grade_bands",
    "audience_roles",
    "topics",
    "registration_mode",
    "external_registration_url",
    "requires_approval",
    "capacity",
    "cost",
    "payment_method",
    "payment_instructions",
    "payment_instructions_es",
    "pd_hours",
    "venue_name",
    "address",
    "join_url",
    "recording_url",
]
SESSIONS = "sessions"
SESSION_FIELDS = ["title", "title_es", "starts_at", "ends_at", "location", "location_es"]


def _session_value(session: EventSession) -> dict:
    return {
        "title": session.title,
        "title_es": session.title_es,
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "location": session.location,
        "location_es": session.location_es,
    }


def listing_snapshot(event: Event) -> dict:
    """The reviewed fields as plain JSON values. Uses the prefetched topics, grade bands
    and sessions when there are (the queue prefetches them)."""
    snapshot = {}
    for name in REVIEWED_FIELDS:
        field = Event._meta.get_field(name)
        if field.many_to_many:
            snapshot[name] = sorted(str(related) for related in getattr(event, name).all())
        elif name == "audience_roles":
            snapshot[name] = sorted(event.audience_roles or [])
        else:
            value = getattr(event, name)
            if isinstance(value, Decimal):
                value = format(value.normalize(), "f")  # 1.50 and 1.5 are one value
            elif isinstance(value, str):
                value = value.replace("\r\n", "\n")  # as a browser's textarea sends it
            elif value is not None and not isinstance(value, bool):
                value = str(value)
            snapshot[name] = value
    sessions = sorted(event.sessions.all(), key=lambda s: (s.starts_at, s.pk))
    snapshot[SESSIONS] = [_session_value(session) for session in sessions]
    return snapshot


# --- Showing values -----------------------------------------------------------------


def _session_text(value: dict) -> str:
    try:
        start = timezone.localtime(datetime.datetime.fromisoformat(value["starts_at"]))
        end = timezone.localtime(datetime.datetime.fromisoformat(value["ends_at"]))
    except (KeyError, TypeError, ValueError):
        return "—"
    when = f"{date_phrase(start, 'short_weekday_date_time')}–{date_phrase(end, 'time')}"
    parts = [when]
    for key in ("title", "title_es", "location", "location_es"):
        if value.get(key):
            parts.append(value[key])
    return " · ".join(parts)


def display_value(name: str, value) -> str:
    """A stored value as a reader sees it: choice labels, Yes/No, a dash for nothing."""
    if name == SESSIONS:
        return "\n".join(_session_text(v) for v in value or []) or "—"
    if value in (None, "", []):
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name == "audience_roles":
        labels = dict(User.Role.choices)
        return ", ".join(str(labels.get(code, code)) for code in value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    field = Event._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def field_label(name: str) -> str:
    if name == SESSIONS:
        return _("Sessions")
    return str(Event._meta.get_field(name).verbose_name).capitalize()


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    before: str
    after: str


def listing_changes(event: Event) -> list[FieldChange] | None:
    """What changed since the last approval, field by field; None when the listing was
    never approved (everything is new to the coordinator)."""
    approved = event.approved_snapshot
    if not approved:
        return None
    current = listing_snapshot(event)
    return [
        FieldChange(
            name=name,
            label=field_label(name),
            before=display_value(name, approved.get(name)),
            after=display_value(name, current[name]),
        )
        for name in [*REVIEWED_FIELDS, SESSIONS]
        if name in approved and approved.get(name) != current[name]
    ]


# --- The queue ----------------------------------------------------------------------


def waiting_phrase(since: datetime.datetime | None, *, now=None) -> str:
    """ "waiting 3 days", "waiting 5 hours", "waiting under an hour"."""
    if since is None:
        return ""
    waited = (now or timezone.now()) - since
    days = waited.days
    if days >= 1:
        return ngettext("waiting %(count)d day", "waiting %(count)d days", days) % {"count": days}
    hours = int(waited.total_seconds() // 3600)
    if hours >= 1:
        return ngettext("waiting %(count)d hour", "waiting %(count)d hours", hours) % {
            "count": hours
        }
    return _("waiting under an hour")


def review_queue():
    """The submitted listings, the longest-waiting first, with what the desk shows
    (provider, sessions, topics, grade bands, the registrant count) in a fixed number
    of queries."""
    return (
        Event.objects.filter(status=Event.Status.SUBMITTED)
        .select_related("provider")
        .prefetch_related(
            "topics",
            "grade_bands",
            Prefetch("sessions", queryset=EventSession.objects.order_by("starts_at", "pk")),
        )
        .annotate(registered=Count("registrations", filter=Q(registrations__status__in=ACTIVE)))
        .order_by(Coalesce("submitted_at", "updated_at"), "pk")
    )


QUEUE_TITLE = gettext_lazy("Review desk")


def submitted_on(day: datetime.date):
    """Listings sent for review during `day` (local time) and still waiting."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    return (
        Event.objects.filter(
            status=Event.Status.SUBMITTED, submitted_at__gte=start, submitted_at__lt=end
        )
        .select_related("provider")
        .order_by("submitted_at", "pk")
    )
