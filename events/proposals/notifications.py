"""Messages of calls for proposals, through the notifications outbox (autodiscovered by
it): an invitation to co-present, a decision on a proposal, and a place on the program
to confirm."""

from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from trec.mail import absolute_url
from trec.notifications.kinds import when_phrase
from trec.notifications.registry import NotificationKind, Outgoing, Skip, register

from .models import Presenter, Proposal


def _context(notification, proposal: Proposal, **extra) -> dict:
    return {
        "user": notification.recipient,
        "notification": notification,
        "proposal": proposal,
        "call": proposal.call,
        "proposal_url": absolute_url(proposal.get_absolute_url()),
        **extra,
    }


@register
class CoPresenterInvited(NotificationKind):
    """The lead presenter named this person as a co-presenter."""

    code = "proposal_copresenter_invited"
    label = gettext_lazy("Calls for proposals: invitation to co-present")
    preference = None  # they are asked to answer: not a newsletter
    subject_model = "proposals.Presenter"
    template = "proposals/email/copresenter_invited"

    def subject_queryset(self):
        return Presenter.objects.select_related("proposal__call", "proposal__submitted_by")

    def check(self, notification):
        super().check(notification)
        presenter = notification.subject_obj
        if presenter.status != Presenter.Status.INVITED:
            raise Skip("The invitation was answered.")
        if presenter.proposal.status == Proposal.Status.WITHDRAWN:
            raise Skip("The proposal was withdrawn.")

    def compose(self, notification):
        presenter = notification.subject_obj
        proposal = presenter.proposal
        context = _context(
            notification,
            proposal,
            lead=proposal.submitted_by.display_name,
            invitation_url=absolute_url(
                reverse("proposals:invitation", kwargs={"token": presenter.token})
            ),
        )
        subject = _("%(name)s invites you to co-present “%(title)s”") % {
            "name": proposal.submitted_by.display_name,
            "title": proposal.title,
        }
        return Outgoing(subject, context)


@register
class ProposalDecided(NotificationKind):
    """The coordinators accepted, wait-listed or declined a proposal."""

    code = "proposal_decided"
    label = gettext_lazy("Calls for proposals: decision")
    preference = None
    subject_model = "proposals.Proposal"
    template = "proposals/email/decided"

    def subject_queryset(self):
        return Proposal.objects.select_related("call__event")

    def check(self, notification):
        super().check(notification)
        if not notification.window.startswith(f"{notification.subject_obj.status}@"):
            raise Skip("The decision changed since.")

    def compose(self, notification):
        proposal = notification.subject_obj
        data = notification.data or {}
        message = data.get("message", "")
        if (get_language() or "").startswith("es") and data.get("message_es"):
            message = data["message_es"]
        context = _context(notification, proposal, message=message)
        subjects = {
            Proposal.Status.ACCEPTED: _("Your proposal “%(title)s” is accepted"),
            Proposal.Status.WAITLISTED: _("Your proposal “%(title)s” is on the waiting list"),
            Proposal.Status.DECLINED: _("About your proposal “%(title)s”"),
        }
        return Outgoing(subjects[proposal.status] % {"title": proposal.title}, context)


@register
class ProposalScheduled(NotificationKind):
    """An accepted proposal has a room and a time: the presenters are asked to confirm."""

    code = "proposal_scheduled"
    label = gettext_lazy("Calls for proposals: your session is scheduled")
    preference = None
    subject_model = "proposals.Proposal"
    template = "proposals/email/scheduled"

    def subject_queryset(self):
        return Proposal.objects.select_related("call__event", "room", "slot")

    def check(self, notification):
        super().check(notification)
        proposal = notification.subject_obj
        if notification.window != f"{proposal.room_id}@{proposal.slot_id}":
            raise Skip("The session moved since.")

    def compose(self, notification):
        proposal = notification.subject_obj
        context = _context(
            notification,
            proposal,
            when=when_phrase(proposal.slot.starts_at),
            room=proposal.room.name,
            event=proposal.call.event,
        )
        subject = _("Please confirm: “%(title)s” at %(event)s") % {
            "title": proposal.title,
            "event": proposal.call.event.title,
        }
        return Outgoing(subject, context)
