"""The outbox for coordinators: every message, its status and error, and "resend".

Only coordinators see it (it holds every educator's address and what we told them);
provider staff never do. Rows are a log: nobody adds, edits or deletes them here.
"""

from django.contrib import admin
from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Notification
from .registry import UnknownKind, get_kind, kind_choices
from .services import notifications_resend


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return kind_choices()

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(kind=self.value())
        return queryset


def _coordinator(request) -> bool:
    return request.user.is_active and request.user.is_staff and request.user.is_coordinator


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind_label",
        "recipient_email",
        "about",
        "window",
        "status",
        "attempts",
        "sent_at",
        "error",
    ]
    list_filter = [KindFilter, "status", ("created_at", admin.DateFieldListFilter), "sent_at"]
    search_fields = ["email", "recipient__email", "recipient__first_name", "recipient__last_name"]
    list_select_related = ["recipient", "content_type"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]
    list_per_page = 100
    show_full_result_count = False
    actions = ["resend"]
    fields = [
        "recipient",
        "email",
        "language",
        "kind_label",
        "about",
        "window",
        "status",
        "attempts",
        "last_error",
        "message_id",
        "details",
        "created_at",
        "enqueued_at",
        "sent_at",
        "updated_at",
    ]
    readonly_fields = fields

    # Coordinators only; a log, never edited by hand.
    def has_module_permission(self, request):
        return _coordinator(request)

    def has_view_permission(self, request, obj=None):
        return _coordinator(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("subject")

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, notification: Notification) -> str:
        try:
            return str(get_kind(notification.kind).label)
        except UnknownKind:
            return notification.kind

    @admin.display(description=_("details"))
    def details(self, notification: Notification):
        """The row's details, except secrets (a password reset or confirmation link)."""
        try:
            if get_kind(notification.kind).confidential:
                return _("(hidden: it holds a private link)")
        except UnknownKind:
            pass
        return notification.data

    @admin.display(description=_("recipient"), ordering="recipient__email")
    def recipient_email(self, notification: Notification) -> str:
        return notification.address

    @admin.display(description=_("about"))
    def about(self, notification: Notification) -> str:
        subject = notification.subject
        if subject is None:
            return _("%(type)s #%(id)s (deleted)") % {
                "type": notification.content_type.name,
                "id": notification.object_id,
            }
        return truncatechars(str(subject), 80)

    @admin.display(description=_("error or reason"))
    def error(self, notification: Notification) -> str:
        return truncatechars(notification.last_error, 120)

    @admin.action(description=_("Resend (checked again before sending)"))
    def resend(self, request, queryset):
        queued, sent = notifications_resend(notifications=queryset)
        if queued:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message is queued again; it is checked again before sending.",
                    "%(count)d messages are queued again; each is checked again before sending.",
                    queued,
                )
                % {"count": queued},
            )
        if sent:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message was already sent (or is being sent) and was left as it is.",
                    "%(count)d messages were already sent (or are being sent) and were left as "
                    "they are.",
                    sent,
                )
                % {"count": sent},
            )
