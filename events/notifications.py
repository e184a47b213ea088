"""The catalog's messages through the notifications outbox (autodiscovered by it):
registrations, event changes and cancellations, reminders before each session,
follow-ups, the weekly digest, a seat opened in a program session someone was waiting
for, and the review steps of a listing; and the functions that queue them.

Every kind re-reads what it is about when a worker picks the row up (``load`` then
``check``), so a message that no longer applies is skipped rather than sent: a
cancelled registration gets no reminder, a superseded schedule change no e-mail.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from trec.formats import date_phrase
from trec.mail import absolute_url
from trec.notifications.kinds import base_context, reminder_windows, stamp, when_phrase
from trec.notifications.models import Notification
from trec.notifications.registry import (
    NotificationKind,
    Outgoing,
    ReminderKind,
    Skip,
    feedback_survey_url,
    get_kind,
    register,
)
from trec.notifications.services import notification_enqueue, notifications_enqueue_many

from .ical import CANCEL, REQUEST, build_calendar, removed_sessions
from .models import ACTIVE, Attendance, Event, EventSession, Registration, SessionChoice
from .programs.checkin import confirmation_extras
from .review import submitted_on


def promoted_window(choice: SessionChoice) -> str:
    """One message per promotion: when the seat was given."""
    return f"promoted@{stamp(choice.confirmed_at)}"


@register
class SessionChoicePromoted(NotificationKind):
    """Someone dropped a session: the first person on its waiting list has the seat."""

    code = "session_choice_promoted"
    label = gettext_lazy("Program session: a seat opened up")
    preference = "notify_updates"
    subject_model = "events.SessionChoice"
    template = "events/program/email/session_promoted"

    def subject_queryset(self):
        return SessionChoice.objects.select_related(
            "session", "registration__event__provider", "registration__user"
        )

    def check(self, notification):
        super().check(notification)
        choice = notification.subject_obj
        if choice.registration.user_id != notification.recipient_id:
            raise Skip("The choice belongs to someone else.")
        if choice.status != SessionChoice.Status.CONFIRMED:
            raise Skip("The choice is no longer confirmed.")
        if promoted_window(choice) != notification.window:
            raise Skip("The choice changed since.")

    def compose(self, notification):
        choice = notification.subject_obj
        event = choice.registration.event
        session = choice.session
        context = {
            "user": notification.recipient,
            "notification": notification,
            "event": event,
            "session": session,
            "when": when_phrase(session.starts_at),
            "my_schedule_url": absolute_url(
                reverse("events:my_schedule", kwargs={"slug": event.slug})
            ),
        }
        subject = _("A seat opened up: %(session)s at %(event)s") % {
            "session": session.title or event.title,
            "event": event.title,
        }
        return Outgoing(subject, context)


# --- Listings: the provider and the coordinators hear about review steps ----------------


class ListingKind(NotificationKind):
    """A review step on a listing, to the provider's staff and contact (or the
    coordinators); sent only while the listing is still where the step left it."""

    subject_model = "events.Event"
    preference = None  # work mail about one's own listing, not a newsletter
    status = ""

    def __init__(self):
        self.template = self.template or f"events/email/{self.code}"
        super().__init__()

    def subject_queryset(self):
        return Event.objects.select_related("provider")

    def check(self, notification):
        super().check(notification)
        event = notification.subject_obj
        if event.status != self.status:
            raise Skip(f"The listing is {event.status} now.")

    def subject_line(self, event) -> str:
        raise NotImplementedError

    def compose(self, notification):
        event = notification.subject_obj
        context = {
            "user": notification.recipient,
            "notification": notification,
            "event": event,
            "provider": event.provider,
            "event_url": absolute_url(event.get_absolute_url()),
            "change_url": absolute_url(reverse("admin:events_event_change", args=[event.pk])),
        }
        return Outgoing(self.subject_line(event), context)


@register
class ListingSubmitted(ListingKind):
    code = "listing_submitted"
    label = gettext_lazy("Listing awaits review")
    status = Event.Status.SUBMITTED

    def subject_line(self, event):
        return _("To review: %(title)s from %(provider)s") % {
            "title": event.title,
            "provider": event.provider.name,
        }


@register
class ListingApproved(ListingKind):
    code = "listing_approved"
    label = gettext_lazy("Listing published")
    status = Event.Status.PUBLISHED

    def subject_line(self, event):
        return _("Your listing is live: %(title)s") % {"title": event.title}


@register
class ListingReturned(ListingKind):
    code = "listing_returned"
    label = gettext_lazy("Listing returned with a comment")
    status = Event.Status.DRAFT

    def subject_line(self, event):
        return _("Changes requested: %(title)s") % {"title": event.title}


@register
class ListingCancelled(ListingKind):
    code = "listing_cancelled"
    label = gettext_lazy("Listing cancelled")
    status = Event.Status.CANCELLED

    def subject_line(self, event):
        return _("Cancelled: %(title)s") % {"title": event.title}


@register
class ReviewDigest(NotificationKind):
    """A coordinator who chose the daily digest: the listings submitted on one day
    (the window, an ISO date) that still wait for review."""

    code = "review_digest"
    label = gettext_lazy("Listings to review: daily digest")
    subject_model = "accounts.User"
    preference = None  # work mail; chosen on the review desk (User.review_digest)
    template = "events/email/review_digest"

    def check(self, notification):
        super().check(notification)
        if notification.subject_obj.pk != notification.recipient_id:
            raise Skip("The digest belongs to someone else.")
        try:
            day = datetime.date.fromisoformat(notification.window)
        except ValueError:
            raise Skip("The digest has no day.") from None
        notification.day = day
        notification.listings = list(submitted_on(day))
        if not notification.listings:
            raise Skip("Nothing submitted that day still waits for review.")

    def compose(self, notification):
        listings = [
            {
                "event": event,
                "change_url": absolute_url(reverse("admin:events_event_change", args=[event.pk])),
            }
            for event in notification.listings
        ]
        context = {
            "user": notification.recipient,
            "notification": notification,
            "day": notification.day,
            "listings": listings,
            "desk_url": absolute_url(reverse("admin:events_event_review")),
        }
        subject = ngettext(
            "%(count)d listing to review from %(day)s",
            "%(count)d listings to review from %(day)s",
            len(listings),
        ) % {"count": len(listings), "day": date_phrase(notification.day, "date")}
        return Outgoing(subject, context)


# --- Registrations, changes, reminders, follow-ups and the weekly digest ---------------


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
            base_context(notification)
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
            base_context(notification)
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


@register
class EventReminder(ReminderKind):
    """A reminder before each dated session to everyone confirmed, at the configured
    offsets. Never late: not for someone who registered inside the window, and not once
    less than NOTIFICATIONS_REMINDER_MIN_LEAD of the offset is left."""

    code = "event_reminder"
    label = gettext_lazy("Reminder before a session")
    subject_model = "events.EventSession"

    def due(self, *, now) -> Iterator[tuple[str, Iterable[tuple[int, int]]]]:
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
            base_context(notification)
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
            base_context(notification)
            | _event_context(event)
            | {
                "survey_url": survey_url,
                "feedback_url": survey_url or _event_context(event)["event_url"],
                "transcript_url": absolute_url(reverse("transcripts:transcript")),
            }
        )
        return Outgoing(_("How was %(title)s?") % {"title": event.title}, context)


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
        context = base_context(notification) | {
            "events": [
                {"event": event, "url": absolute_url(event.get_absolute_url())}
                for event in notification.events
            ],
            "catalog_url": absolute_url("/events/"),
        }
        return Outgoing(_("New professional learning for you this week"), context)


# --- Queueing them (called by events.services and the beat tasks) ----------------------

# --- Registrations and events (called by events.services) ---------------------------

_REGISTRATION_KINDS = {
    Registration.Status.CONFIRMED: RegistrationConfirmed.code,
    Registration.Status.WAITLISTED: RegistrationWaitlisted.code,
    Registration.Status.PENDING: RegistrationPending.code,
    Registration.Status.DECLINED: RegistrationDeclined.code,
    Registration.Status.CANCELLED: RegistrationCancelled.code,
}


def registration_notify(*, registration: Registration, promoted: bool = False) -> Notification:
    """Tell the educator what just happened to their registration (its current status)."""
    code = RegistrationPromoted.code if promoted else _REGISTRATION_KINDS[registration.status]
    kind = get_kind(code)
    notification, _created = notification_enqueue(
        recipient=registration.user_id,
        kind=code,
        subject=registration,
        window=kind.window_for(registration),
    )
    return notification


def registrations_promoted_notify(*, registrations: Iterable[Registration]) -> None:
    for registration in registrations:
        registration_notify(registration=registration, promoted=True)


def _tell_everyone_registered(event: Event, *, kind: str, window: str, data=None) -> int:
    """One message of `kind` to everyone registered or waiting for `event`; how many."""
    recipients = list(
        event.registrations.filter(status__in=ACTIVE).values_list("user_id", flat=True)
    )
    notifications_enqueue_many(
        kind=kind,
        model=Event,
        rows=[(user_id, event.pk, window) for user_id in recipients],
        data=data,
    )
    return len(recipients)


def event_cancelled_notify(*, event: Event, reason: str = "") -> int:
    """Everyone registered or waiting hears that the event is cancelled. Returns how many."""
    return _tell_everyone_registered(
        event, kind=EventCancelled.code, window="", data={"reason": reason}
    )


def event_withdrawn_notify(*, event: Event) -> int:
    """A published listing went back to its provider: everyone registered or waiting
    hears it is off the catalog for now. Returns how many."""
    return _tell_everyone_registered(
        event, kind=EventWithdrawn.code, window=stamp(event.updated_at)
    )


def event_changed_notify(*, event: Event, changes: list[dict]) -> int:
    """What calendars show of a published event changed: everyone registered or waiting
    hears what (and gets the updated calendar file). Returns how many."""
    if event.status != Event.Status.PUBLISHED or not changes:
        return 0
    kind = get_kind(EventChanged.code)
    return _tell_everyone_registered(
        event, kind=kind.code, window=kind.window_for(event), data={"changes": changes}
    )


@transaction.atomic
def followups_enqueue_due(*, now: datetime.datetime | None = None) -> int:
    """ "How was it?" to attendees of events that ended a little while ago."""
    now = now or timezone.now()
    rows = [(user_id, event_id, "") for user_id, event_id in EventFollowup.due(now=now)]
    return len(notifications_enqueue_many(kind=EventFollowup.code, model=Event, rows=rows))


@transaction.atomic
def digest_enqueue_weekly(*, now: datetime.datetime | None = None) -> int:
    """One digest per opted-in educator per ISO week; empty ones are skipped at send time."""
    now = now or timezone.now()
    week = iso_week(now)
    users = get_user_model().objects.filter(is_active=True, notify_digest=True)
    rows = [(user_id, user_id, week) for user_id in users.values_list("pk", flat=True)]
    return len(
        notifications_enqueue_many(kind=WeeklyDigest.code, model=get_user_model(), rows=rows)
    )
