"""Provider messages through the notifications outbox (autodiscovered by it): a school's
new on-site request, to the provider's staff and the coordinators. (The requester has
no account: their e-mails are sent by providers.services.requester_email.)"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trec.i18n import localized
from trec.mail import absolute_url
from trec.notifications.registry import NotificationKind, Outgoing, Skip, register

from .models import SessionRequest


@register
class NewSessionRequest(NotificationKind):
    """A school asked for an offering: the people who run the queue hear it once."""

    code = "provider_session_request"
    label = gettext_lazy("New on-site request")
    preference = None  # work for the provider's staff, not a newsletter
    subject_model = "providers.SessionRequest"
    template = "providers/email/new_request"

    def subject_queryset(self):
        return SessionRequest.objects.select_related("provider", "offering", "duration", "district")

    def check(self, notification):
        super().check(notification)
        if notification.subject_obj.status != SessionRequest.Status.NEW:
            raise Skip("The request has been handled already.")

    def compose(self, notification):
        session_request = notification.subject_obj
        offering_title = localized(session_request.offering, "title")
        context = {
            "user": notification.recipient,
            "session_request": session_request,
            "offering_title": offering_title,
            "duration_label": localized(session_request.duration, "label"),
            "queue_url": absolute_url(
                reverse("admin:providers_sessionrequest_change", args=[session_request.pk])
            ),
        }
        subject = _("New on-site request: %(offering)s at %(school)s") % {
            "offering": offering_title,
            "school": session_request.school_name,
        }
        return Outgoing(subject, context)
