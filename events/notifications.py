"""Catalog messages through the notifications outbox (autodiscovered by it): a seat
opened in a program session someone was waiting for; review steps on a listing."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from trec.formats import date_phrase
from trec.mail import absolute_url
from trec.notifications.kinds import stamp, when_phrase
from trec.notifications.registry import NotificationKind, Outgoing, Skip, register

from .models import Event, SessionChoice


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
        from .review_mail import submitted_on

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
