"""What the event page shows around its hero besides the listing itself: presenters,
materials and related events. One query for the materials, one for the related events,
none for the presenters (they are on the event row)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from .catalog import CARD_UNUSED
from .models import Event, EventMaterial, Registration

RELATED_LIMIT = 3
PRESENTER_SEPARATOR = re.compile(r"\s+[—–-]\s+")


@dataclass(frozen=True)
class Presenter:
    name: str
    bio: str

    @property
    def initials(self) -> str:
        words = [w for w in re.split(r"[\s.]+", self.name) if w and w[0].isalpha()]
        if words and words[0].lower() in ("dr", "mr", "mrs", "ms", "prof") and len(words) > 1:
            words = words[1:]
        return "".join(w[0].upper() for w in (words[:1] + words[-1:] if len(words) > 1 else words))


def presenters(event: Event) -> list[Presenter]:
    """The event's presenters field: one per line, "Name — short bio" (the bio optional)."""
    found = []
    for line in (event.presenters_text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        name, _sep, bio = (part.strip() for part in _split_once(line))
        found.append(Presenter(name=name, bio=bio))
    return found


def _split_once(line: str) -> tuple[str, str, str]:
    match = PRESENTER_SEPARATOR.search(line)
    if not match:
        return line, "", ""
    return line[: match.start()], match.group(), line[match.end() :]


@dataclass(frozen=True)
class Materials:
    shown: list[EventMaterial]
    for_registrants: int  # how many more a confirmed registrant would see


def materials(event: Event, registration: Registration | None) -> Materials:
    """The materials the viewer may open: everyone's, plus the registrants' ones when
    their registration is confirmed. One query."""
    rows = list(event.materials.all())
    confirmed = registration is not None and registration.status == Registration.Status.CONFIRMED
    shown = [m for m in rows if confirmed or not m.registrants_only]
    return Materials(shown=shown, for_registrants=len(rows) - len(shown))


def related_events(event: Event, *, limit: int = RELATED_LIMIT) -> list[Event]:
    """Up to `limit` upcoming listings that share a topic or a grade band with `event`,
    those sharing a topic first, then the soonest next session. One query; the cards
    are shown compact (no grade bands or seats), so nothing is read per card."""
    topics = Event.topics.through.objects.filter(event_id=event.pk).values("topic_id")
    bands = Event.grade_bands.through.objects.filter(event_id=event.pk).values("gradeband_id")
    shares_topic = Event.topics.through.objects.filter(event_id=OuterRef("pk"), topic_id__in=topics)
    shares_band = Event.grade_bands.through.objects.filter(
        event_id=OuterRef("pk"), gradeband_id__in=bands
    )
    queryset = (
        Event.objects.listed()
        .exclude(pk=event.pk)
        .exclude(kind=Event.Kind.ON_DEMAND)
        .filter(next_ends_at__gte=timezone.now())  # a session still to come or on now
        .select_related("provider")
        .defer(*CARD_UNUSED, "presenters_text")
        .annotate(shares_topic=Exists(shares_topic), shares_band=Exists(shares_band))
        .filter(Q(shares_topic=True) | Q(shares_band=True))
        .order_by("-shares_topic", F("next_starts_at").asc(nulls_last=True), "pk")
    )
    return list(queryset[:limit])


def next_session(sessions):
    """The first of `sessions` (already read, in order) not over yet; None when all are."""
    now = timezone.now()
    return next((session for session in sessions if session.ends_at >= now), None)
