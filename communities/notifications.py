"""Community messages through the notifications outbox (autodiscovered by it): decisions
on applications and reminders before meetings."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from trec.mail import absolute_url
from trec.notifications.kinds import reminder_windows, stamp, when_phrase
from trec.notifications.models import Notification
from trec.notifications.registry import (
    NotificationKind,
    Outgoing,
    ReminderKind,
    Skip,
    register,
)

from .models import Meeting, Membership

DECISION_SUBJECTS = {
    Membership.Status.ACCEPTED: gettext_noop("Welcome to %(title)s"),
    Membership.Status.WAITLISTED: gettext_noop("You are on the waiting list for %(title)s"),
    Membership.Status.DECLINED: gettext_noop("Your application to %(title)s"),
}


def decision_window(membership: Membership) -> str:
    """One message per decision: the status and when it was taken."""
    return f"{membership.status}@{stamp(membership.decided_at)}"


@register
class MembershipDecision(NotificationKind):
    """Accepted, waitlisted or declined: the educator hears each decision once."""

    code = "cop_decision"
    label = gettext_lazy("Community application decision")
    preference = "notify_updates"
    subject_model = "communities.Membership"
    template = "communities/email/decision"

    def subject_queryset(self):
        return Membership.objects.select_related("community", "user")

    def check(self, notification):
        super().check(notification)
        if notification.window != decision_window(notification.subject_obj):
            raise Skip("The decision has changed since.")

    def compose(self, notification):
        membership = notification.subject_obj
        community = membership.community
        subject = _(DECISION_SUBJECTS[membership.status]) % {"title": community.title}
        context = {
            "user": notification.recipient,
            "membership": membership,
            "community": community,
            "community_url": absolute_url(community.get_absolute_url()),
        }
        return Outgoing(subject, context)


@register
class MeetingReminder(ReminderKind):
    """A reminder before each meeting to every accepted member, at the hub's general
    reminder offsets (not the webinar-only ones). Never late: not for someone accepted
    inside the window, and not once most of the window has passed."""

    code = "cop_meeting_reminder"
    label = gettext_lazy("Community meeting reminder")
    subject_model = "communities.Meeting"

    def due(self, *, now):
        meeting_type = ContentType.objects.get_for_model(Meeting)
        min_lead = settings.NOTIFICATIONS_REMINDER_MIN_LEAD
        for window, offset, event_kind in reminder_windows():
            if event_kind is not None:
                continue
            already = Notification.objects.filter(
                recipient_id=OuterRef("user_id"),
                kind=self.code,
                content_type=meeting_type,
                object_id=OuterRef("meeting_id"),
                window=window,
            )
            rows = (
                Membership.objects.annotate(
                    meeting_id=F("community__meetings__pk"),
                    meeting_starts=F("community__meetings__starts_at"),
                )
                .filter(
                    status=Membership.Status.ACCEPTED,
                    meeting_starts__lte=now + offset,
                    meeting_starts__gt=now + offset * min_lead,
                    decided_at__lte=F("meeting_starts") - offset,
                )
                .filter(~Exists(already))
                .order_by()
                .values_list("user_id", "meeting_id")
            )
            yield window, rows

    def subject_queryset(self):
        return Meeting.objects.select_related("community")

    def check(self, notification):
        super().check(notification)
        meeting = notification.subject_obj
        if meeting.starts_at <= timezone.now():
            raise Skip("The meeting has already started.")
        still_member = Membership.objects.filter(
            community_id=meeting.community_id,
            user_id=notification.recipient_id,
            status=Membership.Status.ACCEPTED,
        ).exists()
        if not still_member:
            raise Skip("The recipient is no longer a member.")

    def compose(self, notification):
        meeting = notification.subject_obj
        community = meeting.community
        when = when_phrase(meeting.starts_at)
        context = {
            "user": notification.recipient,
            "notification": notification,
            "meeting": meeting,
            "community": community,
            "when": when,
            "community_url": absolute_url(community.get_absolute_url()),
        }
        subject = _("Reminder: %(community)s meets %(when)s") % {
            "community": community.title,
            "when": when,
        }
        return Outgoing(subject, context)
