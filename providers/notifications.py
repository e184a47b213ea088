"""Provider messages through the notifications outbox (autodiscovered by it): a school's
new on-site request, to the provider's staff and the coordinators; each step of the
request, to the school's contact (a bare address, in the language they wrote in)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trec.i18n import localized
from trec.mail import absolute_url, subject_date
from trec.notifications.registry import NotificationKind, Outgoing, Skip, register

from .models import RequestUpdate, SessionRequest

REQUESTER_SUBJECTS = {
    SessionRequest.Status.NEW: gettext_lazy("We received your request: %(offering)s"),
    SessionRequest.Status.SCHEDULED: gettext_lazy("Scheduled: %(offering)s on %(date)s"),
    SessionRequest.Status.DONE: gettext_lazy("Thank you for hosting %(offering)s"),
    SessionRequest.Status.DECLINED: gettext_lazy("About your request: %(offering)s"),
}


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


@register
class RequesterUpdate(NotificationKind):
    """One step of a school's request (received, scheduled, done, declined), to the
    contact who sent it: the status link, and what happens next."""

    code = "provider_request_update"
    label = gettext_lazy("On-site request: news for the school")
    preference = None
    subject_model = "providers.RequestUpdate"

    def template_names(self):
        return [f"providers/email/request_{status}" for status in REQUESTER_SUBJECTS]

    def subject_queryset(self):
        return RequestUpdate.objects.select_related(
            "request__offering", "request__provider", "request__duration", "request__district"
        )

    def compose(self, notification):
        update = notification.subject_obj
        session_request = update.request
        offering_title = localized(session_request.offering, "title")
        context = {
            "notification": notification,
            "session_request": session_request,
            "update": update,
            "provider": session_request.provider,
            "offering_title": offering_title,
            "duration_label": localized(session_request.duration, "label"),
            "status_url": absolute_url(session_request.status_url()),
            "provider_url": absolute_url(session_request.provider.get_absolute_url()),
        }
        start = session_request.scheduled_start
        subject = REQUESTER_SUBJECTS[update.status] % {
            "offering": offering_title,
            "date": subject_date(start) if start else "",
        }
        return Outgoing(subject, context, template=f"providers/email/request_{update.status}")
