"""The catalog's messages: registrations, event changes, reminders, follow-ups, digest.

Every kind re-reads what it is about when a worker picks the row up (``load`` then
``check``), so a message that no longer applies is skipped rather than sent: a
cancelled registration gets no reminder, a superseded schedule change no e-mail.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.ical import CANCEL, REQUEST, build_calendar, removed_sessions
from events.models import Attendance, Event, EventSession, Registration, SessionChoice
from trec.formats import date_phrase
from trec.mail import absolute_url, subject_date
from trec.markdown import markdown_to_text, render_markdown

from .models import Notification, StaffMessage
from .registry import (
    NotificationKind,
    Outgoing,
    ReminderKind,
    Skip,
    feedback_survey_url,
    register,
)

ACTIVE = (
    Registration.Status.CONFIRMED,
    Registration.Status.WAITLISTED,
    Registration.Status.PENDING,
)

# --- Small helpers ------------------------------------------------------------------


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


def calendar_attachment(
    event, sessions, notification, *, method: str, name: str = ""
) -> tuple[str, bytes, str]:
    """An iTIP file for the recipient: REQUEST adds or updates the entries they have
    (same UIDs, a higher SEQUENCE), CANCEL removes them."""
    calendar = build_calendar(
        sessions,
        name=event.title,
        include_join_links=method == REQUEST,
        method=method,
        attendee=notification.address,
    )
    return (f"{name or event.slug}.ics", calendar, "text/calendar")


def _base_context(notification: Notification) -> dict:
    return {"user": notification.recipient, "notification": notification}


def _event_context(event: Event) -> dict:
    return {
        "event": event,
        "event_url": absolute_url(event.get_absolute_url()),
        "catalog_url": absolute_url("/events/"),
        "me_url": absolute_url(reverse("accounts:me")),
    }


def _registrations_by_key(notifications: list[Notification], event_ids: Iterable[int]) -> dict:
    """{(event_id, user_id): Registration} for these rows' recipients, in one query."""
    users = {n.recipient_id for n in notifications}
    rows = Registration.objects.filter(event_id__in=set(event_ids), user_id__in=users)
    return {(r.event_id, r.user_id): r for r in rows}


# --- Registrations --------------------------------------------------------------------


class RegistrationKind(NotificationKind):
    """About one registration; sent only while it is still in the state it announces."""

    subject_model = "events.Registration"
    preference = "notify_updates"
    status: str = ""
    attach_calendar = False

    def window_for(self, registration: Registration) -> str:
        return stamp(registration.updated_at)

    def subject_queryset(self):
        return Registration.objects.select_related("event__provider").prefetch_related(
            "event__sessions"
        )

    def check(self, notification: Notification) -> None:
        super().check(notification)
        registration = notification.subject_obj
        if registration.user_id != notification.recipient_id:
            raise Skip("The registration belongs to someone else.")
        if registration.status != self.status:
            raise Skip(f"The registration is {registration.status} now.")
        if self.window_for(registration) != notification.window:
            raise Skip("The registration changed since; a newer message supersedes this one.")

    def context(self, notification: Notification) -> dict:
        registration = notification.subject_obj
        event = registration.event
        return (
            _base_context(notification)
            | _event_context(event)
            | {
                "registration": registration,
                "sessions": list(event.sessions.all()),
                "join_url": event.join_url if self.status == Registration.Status.CONFIRMED else "",
            }
        )

    def subject_line(self, event: Event) -> str:
        raise NotImplementedError

    def compose(self, notification: Notification) -> Outgoing:
        context = self.context(notification)
        event = context["event"]
        attachments = []
        if self.attach_calendar and context["sessions"]:
            attachments.append(
                calendar_attachment(event, context["sessions"], notification, method=REQUEST)
            )
        if self.status == Registration.Status.CONFIRMED:  # programs: the check-in QR code
            from events.checkin import confirmation_extras

            extra_context, extra_attachments = confirmation_extras(context["registration"])
            context |= extra_context
            attachments += extra_attachments
        return Outgoing(self.subject_line(event), context, attachments)


@register
class RegistrationConfirmed(RegistrationKind):
    code = "registration_confirmed"
    label = gettext_lazy("Registration confirmed")
    status = Registration.Status.CONFIRMED
    attach_calendar = True

    def window_for(self, registration):
        return stamp(registration.confirmed_at)

    def subject_line(self, event):
        return _("You're registered: %(title)s") % {"title": event.title}


@register
class RegistrationPromoted(RegistrationConfirmed):
    code = "registration_promoted"
    label = gettext_lazy("Promoted from the waiting list")

    def subject_line(self, event):
        return _("A seat opened up, you're in: %(title)s") % {"title": event.title}


@register
class RegistrationWaitlisted(RegistrationKind):
    code = "registration_waitlisted"
    label = gettext_lazy("On the waiting list")
    status = Registration.Status.WAITLISTED

    def window_for(self, registration):
        return f"ticket-{registration.queue_number}"

    def context(self, notification):
        registration = notification.subject_obj
        return super().context(notification) | {"position": registration.waitlist_position}

    def subject_line(self, event):
        return _("You're on the waiting list: %(title)s") % {"title": event.title}


@register
class RegistrationPending(RegistrationKind):
    code = "registration_pending"
    label = gettext_lazy("Registration awaiting approval")
    status = Registration.Status.PENDING

    def subject_line(self, event):
        return _("Request received: %(title)s") % {"title": event.title}


@register
class RegistrationDeclined(RegistrationKind):
    code = "registration_declined"
    label = gettext_lazy("Registration declined")
    status = Registration.Status.DECLINED

    def subject_line(self, event):
        return _("Your registration was not approved: %(title)s") % {"title": event.title}


@register
class RegistrationCancelled(RegistrationKind):
    code = "registration_cancelled"
    label = gettext_lazy("Registration cancelled")
    status = Registration.Status.CANCELLED

    def window_for(self, registration):
        return stamp(registration.cancelled_at)

    def subject_line(self, event):
        return _("Registration cancelled: %(title)s") % {"title": event.title}


# --- Whole events ---------------------------------------------------------------------


class EventKind(NotificationKind):
    subject_model = "events.Event"
    preference = "notify_updates"

    def subject_queryset(self):
        return Event.objects.select_related("provider").prefetch_related("sessions")

    def load(self, notifications):
        super().load(notifications)
        registrations = _registrations_by_key(notifications, {n.object_id for n in notifications})
        for notification in notifications:
            notification.registration = registrations.get(
                (notification.object_id, notification.recipient_id)
            )

    def compose_context(self, notification) -> dict:
        event = notification.subject_obj
        return (
            _base_context(notification)
            | _event_context(event)
            | {"sessions": list(event.sessions.all()), "data": notification.data}
        )


@register
class EventCancelled(EventKind):
    code = "event_cancelled"
    label = gettext_lazy("Event cancelled")

    def check(self, notification):
        super().check(notification)
        if notification.subject_obj.status != Event.Status.CANCELLED:
            raise Skip("The event is no longer cancelled.")

    def compose(self, notification):
        context = self.compose_context(notification) | {
            "reason": notification.data.get("reason", "")
        }
        event = notification.subject_obj
        attachments = []
        if context["sessions"]:
            attachments.append(
                calendar_attachment(event, context["sessions"], notification, method=CANCEL)
            )
        return Outgoing(_("Cancelled: %(title)s") % {"title": event.title}, context, attachments)


@register
class EventWithdrawn(EventKind):
    """A published listing went back to its provider for changes: off the catalog for now."""

    code = "event_withdrawn"
    label = gettext_lazy("Event withdrawn for changes")

    def check(self, notification):
        super().check(notification)
        if notification.subject_obj.status == Event.Status.PUBLISHED:
            raise Skip("The event is published again.")
        registration = notification.registration
        if registration is None or registration.status not in ACTIVE:
            raise Skip("The recipient is no longer registered.")

    def compose(self, notification):
        event = notification.subject_obj
        context = self.compose_context(notification)
        if event.status == Event.Status.ARCHIVED:
            return Outgoing(_("No longer offered: %(title)s") % {"title": event.title}, context)
        return Outgoing(_("On hold: %(title)s") % {"title": event.title}, context)


@register
class EventChanged(EventKind):
    """Something a calendar shows of an event someone registered for changed: a session
    added, moved or removed, its room, the venue or the join link."""

    code = "event_changed"
    label = gettext_lazy("Event changed")

    def window_for(self, event: Event) -> str:
        return f"seq-{event.calendar_sequence}"

    def check(self, notification):
        super().check(notification)
        event = notification.subject_obj
        if event.status != Event.Status.PUBLISHED:
            raise Skip(f"The event is {event.status} now.")
        if self.window_for(event) != notification.window:
            raise Skip("The event changed again; a newer message supersedes this one.")
        registration = notification.registration
        if registration is None or registration.status not in ACTIVE:
            raise Skip("The recipient is no longer registered.")

    def compose(self, notification):
        event = notification.subject_obj
        context = self.compose_context(notification)
        changes = []
        for change in notification.data.get("changes", []):
            change = dict(change)
            for key in ("starts_at", "ends_at"):
                if change.get(key):
                    change[key] = datetime.datetime.fromisoformat(change[key])
            if change["change"] == "moved":
                change["before"] = datetime.datetime.fromisoformat(change["before"])
            changes.append(change)
        context["changes"] = changes
        attachments = []
        if notification.registration.status == Registration.Status.CONFIRMED:
            # The sessions that remain or moved: same UIDs, a higher SEQUENCE.
            if context["sessions"]:
                attachments.append(
                    calendar_attachment(event, context["sessions"], notification, method=REQUEST)
                )
            # The sessions removed: their entries leave the calendar (METHOD:CANCEL).
            removed = removed_sessions(event, notification.data.get("changes", []))
            if removed:
                attachments.append(
                    calendar_attachment(
                        event,
                        removed,
                        notification,
                        method=CANCEL,
                        name=f"{event.slug}-removed",
                    )
                )
        subject = _("Changed: %(title)s") % {"title": event.title}
        return Outgoing(subject, context, attachments)


# --- Messages staff write -------------------------------------------------------------


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
        context = _base_context(notification) | staff_message_context(message)
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


# --- Reminders before each session ----------------------------------------------------


@register
class EventReminder(ReminderKind):
    """A reminder before each dated session to everyone confirmed, at the configured
    offsets. Never late: not for someone who registered inside the window, and not once
    less than NOTIFICATIONS_REMINDER_MIN_LEAD of the offset is left."""

    code = "event_reminder"
    label = gettext_lazy("Reminder before a session")
    subject_model = "events.EventSession"

    def due(self, *, now) -> Iterator[tuple[str, Iterable[tuple[int, int]]]]:
        from django.contrib.contenttypes.models import ContentType

        session_type = ContentType.objects.get_for_model(EventSession)
        min_lead = settings.NOTIFICATIONS_REMINDER_MIN_LEAD
        for window, offset, event_kind in reminder_windows():
            already = Notification.objects.filter(
                recipient_id=OuterRef("user_id"),
                kind=self.code,
                content_type=session_type,
                object_id=OuterRef("session_id"),
                window=window,
            )
            # One row per (registration, session): both annotations share one join.
            rows = Registration.objects.annotate(
                session_id=F("event__sessions__pk"),
                session_starts=F("event__sessions__starts_at"),
                confirmed_or_created=Coalesce("confirmed_at", "created_at"),
            ).filter(
                status=Registration.Status.CONFIRMED,
                event__status=Event.Status.PUBLISHED,
                session_starts__lte=now + offset,
                session_starts__gt=now + offset * min_lead,
                # Registered before the window opened: no late reminder for late-comers.
                confirmed_or_created__lte=F("session_starts") - offset,
            )
            if event_kind:
                rows = rows.filter(event__kind=event_kind)
            # At a program, once someone has chosen sessions, only those are reminded of
            # (as their calendar feed lists only those).
            chose_any = SessionChoice.objects.filter(registration=OuterRef("pk"))
            chose_this = chose_any.filter(
                session_id=OuterRef("session_id"), status=SessionChoice.Status.CONFIRMED
            )
            rows = rows.filter(~Exists(chose_any) | Exists(chose_this))
            rows = rows.filter(~Exists(already)).order_by().values_list("user_id", "session_id")
            yield window, rows

    def subject_queryset(self):
        return EventSession.objects.select_related("event__provider")

    def load(self, notifications):
        super().load(notifications)
        event_ids = {n.subject_obj.event_id for n in notifications if n.subject_obj}
        registrations = _registrations_by_key(notifications, event_ids)
        for notification in notifications:
            session = notification.subject_obj
            notification.registration = session and registrations.get(
                (session.event_id, notification.recipient_id)
            )

    def check(self, notification):
        super().check(notification)
        session = notification.subject_obj
        if session.event.status != Event.Status.PUBLISHED:
            raise Skip(f"The event is {session.event.status}.")
        if session.starts_at <= timezone.now():
            raise Skip("The session has already started.")
        registration = notification.registration
        if registration is None or registration.status != Registration.Status.CONFIRMED:
            raise Skip("The recipient is no longer registered.")

    def compose(self, notification):
        session = notification.subject_obj
        event = session.event
        when = when_phrase(session.starts_at)
        location = session.location or ", ".join(p for p in (event.venue_name, event.address) if p)
        context = (
            _base_context(notification)
            | _event_context(event)
            | {
                "session": session,
                "when": when,
                "location": location,
                "join_url": event.join_url,
            }
        )
        subject = _("Reminder: %(title)s starts %(when)s") % {"title": event.title, "when": when}
        return Outgoing(subject, context)


# --- After the event --------------------------------------------------------------------


@register
class EventFollowup(NotificationKind):
    """ "How was it?" to everyone who attended, linking to the feedback survey when there is
    one (surveys register a resolver), else to the event page."""

    code = "event_followup"
    label = gettext_lazy("Follow-up after an attended event")
    subject_model = "events.Event"
    preference = "notify_updates"

    def subject_queryset(self):
        return Event.objects.select_related("provider")

    @staticmethod
    def due(*, now) -> Iterable[tuple[int, int]]:
        """(user_id, event_id) of attendees of events that ended a little while ago and
        have no follow-up in the outbox yet: one query."""
        from django.contrib.contenttypes.models import ContentType

        latest = now - datetime.timedelta(hours=settings.NOTIFICATIONS_FOLLOWUP_DELAY_HOURS)
        earliest = latest - datetime.timedelta(days=settings.NOTIFICATIONS_FOLLOWUP_WITHIN_DAYS)
        already = Notification.objects.filter(
            recipient_id=OuterRef("user_id"),
            kind=EventFollowup.code,
            content_type=ContentType.objects.get_for_model(Event),
            object_id=OuterRef("event_id"),
            window="",
        )
        attended = Attendance.objects.filter(registration=OuterRef("pk"))
        return (
            Registration.objects.filter(
                event__status=Event.Status.PUBLISHED,
                event__ends_at__gt=earliest,
                event__ends_at__lte=latest,
            )
            .filter(Exists(attended))
            .filter(~Exists(already))
            .order_by()
            .values_list("user_id", "event_id")
        )

    def load(self, notifications):
        super().load(notifications)
        attended = set(
            Attendance.objects.filter(
                registration__event_id__in={n.object_id for n in notifications},
                registration__user_id__in={n.recipient_id for n in notifications},
            ).values_list("registration__event_id", "registration__user_id")
        )
        for notification in notifications:
            notification.attended = (notification.object_id, notification.recipient_id) in attended

    def check(self, notification):
        super().check(notification)
        if notification.subject_obj.status == Event.Status.CANCELLED:
            raise Skip("The event was cancelled.")
        if not notification.attended:
            raise Skip("No attendance is recorded for the recipient.")

    def compose(self, notification):
        event = notification.subject_obj
        survey_url = feedback_survey_url(event)
        context = (
            _base_context(notification)
            | _event_context(event)
            | {
                "survey_url": survey_url,
                "feedback_url": survey_url or _event_context(event)["event_url"],
                "transcript_url": absolute_url(reverse("transcripts:transcript")),
            }
        )
        return Outgoing(_("How was %(title)s?") % {"title": event.title}, context)


# --- The weekly digest ------------------------------------------------------------------

DIGEST_SIZE = 12


def iso_week(moment: datetime.datetime) -> str:
    year, week, _day = timezone.localtime(moment).isocalendar()
    return f"{year}-W{week:02d}"


def digest_events(user, *, now: datetime.datetime, limit: int = DIGEST_SIZE) -> list[Event]:
    """New listings of the last week that match the educator's grade bands, topics of
    interest or district (everything new when the profile says nothing yet)."""
    events = Event.objects.listed().filter(published_at__gt=now - datetime.timedelta(days=7))
    bands = [band.pk for band in user.grade_bands.all()]
    topics = [topic.pk for topic in user.interests.all()]
    match = Q()
    if bands:
        match |= Q(grade_bands__in=bands)
    if topics:
        match |= Q(topics__in=topics)
    if user.district_id:
        match |= Q(provider__service_area=user.district_id)
    if match:
        events = events.filter(pk__in=Event.objects.filter(match).values("pk"))
    return list(events.select_related("provider").order_by("starts_at", "title")[:limit])


@register
class WeeklyDigest(NotificationKind):
    code = "weekly_digest"
    label = gettext_lazy("Weekly digest of new events")
    subject_model = "accounts.User"
    preference = "notify_digest"

    def subject_queryset(self):
        return self.model._default_manager.prefetch_related("grade_bands", "interests")

    def check(self, notification):
        super().check(notification)
        notification.events = digest_events(notification.subject_obj, now=timezone.now())
        if not notification.events:
            raise Skip("No new events matched this week.")

    def compose(self, notification):
        context = _base_context(notification) | {
            "events": [
                {"event": event, "url": absolute_url(event.get_absolute_url())}
                for event in notification.events
            ],
            "catalog_url": absolute_url("/events/"),
        }
        return Outgoing(_("New professional learning for you this week"), context)


def by_kind(notifications: Iterable[Notification]) -> dict[str, list[Notification]]:
    grouped: dict[str, list[Notification]] = defaultdict(list)
    for notification in notifications:
        grouped[notification.kind].append(notification)
    return grouped
