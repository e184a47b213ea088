"""What every kind of message shares, whichever app it belongs to: windows (``stamp``),
reminder offsets from the settings, "today at 4:00 PM" (``when_phrase``), the base
template context, and the staff message (an event's or a community's people written
to by staff). Each app's own kinds live in its ``notifications.py`` (the catalog's:
events/notifications.py).
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trec.formats import date_phrase
from trec.mail import absolute_url, subject_date
from trec.markdown import markdown_to_text, render_markdown

from .models import Notification, StaffMessage
from .registry import NotificationKind, Outgoing, Skip, register


def stamp(moment: datetime.datetime | None) -> str:
    """A window value from a moment: UTC, to the microsecond, sortable."""
    if moment is None:
        return ""
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%S.%fZ")


_OFFSET = re.compile(r"^\s*(\d+)\s*([wdhm])\s*$")


_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}


def parse_offset(value: str) -> datetime.timedelta:
    """ "7d" → 7 days; units w, d, h, m."""
    match = _OFFSET.match(value.lower())
    if not match:
        raise ValueError(f"Not a reminder offset: {value!r} (use e.g. 7d, 1d, 1h, 30m)")
    return datetime.timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def reminder_windows() -> list[tuple[str, datetime.timedelta, str | None]]:
    """(window, offset, event kind or None for every kind) from the settings."""
    windows = []
    for event_kind, offsets in settings.NOTIFICATIONS_REMINDER_OFFSETS.items():
        for offset in offsets:
            windows.append(
                (offset, parse_offset(offset), None if event_kind == "*" else event_kind)
            )
    return windows


def when_phrase(moment: datetime.datetime, *, now: datetime.datetime | None = None) -> str:
    """ "today at 4:00 PM", "tomorrow at 9:00 AM" or "on January 21, 2027 at 4:00 PM"
    ("el 21 de enero de 2027 a las 4:00 p. m."), written by trec.formats in the active
    language: for subjects and bodies alike."""
    local = timezone.localtime(moment)
    today = timezone.localtime(now or timezone.now()).date()
    time = date_phrase(local, "time")
    days = (local.date() - today).days
    if days == 0:
        return _("today at %(time)s") % {"time": time}
    if days == 1:
        return _("tomorrow at %(time)s") % {"time": time}
    return _("on %(date)s at %(time)s") % {"date": subject_date(local), "time": time}


def base_context(notification: Notification) -> dict:
    return {"user": notification.recipient, "notification": notification}


@register
class StaffMessageKind(NotificationKind):
    """A provider, coordinator or facilitator wrote to an event's registrants or a
    community's members: Markdown as HTML (links kept) and as clean text, a link back to
    the event or community, replies to the provider's contact or the sender."""

    code = "staff_message"
    label = gettext_lazy("Message from staff")
    subject_model = "notifications.StaffMessage"
    preference = "notify_updates"

    def subject_queryset(self):
        return StaffMessage.objects.select_related("sender").prefetch_related("about")

    def check(self, notification):
        super().check(notification)
        if notification.subject_obj.about is None:
            raise Skip("The event or community this message was about no longer exists.")

    def compose(self, notification):
        message = notification.subject_obj
        context = base_context(notification) | staff_message_context(message)
        return Outgoing(message.subject, context, reply_to=message.reply_to)


def staff_message_context(message: StaffMessage) -> dict:
    """What a staff message shows (shared by the outbox and the preview)."""
    about = message.about
    return {
        "message": message,
        "about": about,
        "about_title": getattr(about, "title", str(about)),
        "about_url": absolute_url(about.get_absolute_url()),
        "provider": getattr(about, "provider", None),
        "sender": message.sender,
        "body_html": render_markdown(message.body),
        "body_text": markdown_to_text(message.body),
    }


def by_kind(notifications: Iterable[Notification]) -> dict[str, list[Notification]]:
    grouped: dict[str, list[Notification]] = defaultdict(list)
    for notification in notifications:
        grouped[notification.kind].append(notification)
    return grouped
