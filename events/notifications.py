"""Program messages through the notifications outbox (autodiscovered by it): a seat
opened in a session someone was waiting for."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trec.mail import absolute_url
from trec.notifications.kinds import stamp, when_phrase
from trec.notifications.registry import NotificationKind, Outgoing, Skip, register

from .models import SessionChoice


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
