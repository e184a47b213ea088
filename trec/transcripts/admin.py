"""Coordinators' back office for the ledger: every credit is visible; manual credits can
be added (with a reason, recorded with the coordinator); certificates can be revoked."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from trec.audit_admin import AuditHistoryMixin

from . import services
from .models import Certificate, Credit


@admin.register(Credit)
class CreditAdmin(admin.ModelAdmin):
    list_display = ["user", "title", "hours", "earned_on", "source_kind", "created_by"]
    list_filter = ["source_kind", "school_year", "credit_type"]
    search_fields = ["user__email", "user__last_name", "title"]
    date_hierarchy = "earned_on"
    autocomplete_fields = ["user"]
    list_select_related = ["user", "created_by"]
    fields = ["user", "title", "hours", "credit_type", "earned_on", "reason"]
    readonly_fields = []

    def get_readonly_fields(self, request, obj=None):
        # Rows from attendance follow the attendance; only manual rows are edited here.
        if obj is not None:
            return self.fields
        return []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.source_kind != Credit.Source.MANUAL:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return
        created = services.credit_add_manual(
            user=obj.user,
            hours=obj.hours,
            earned_on=obj.earned_on,
            title=obj.title,
            reason=obj.reason,
            created_by=request.user,
        )
        obj.pk = created.pk

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None and "reason" in form.base_fields:
            form.base_fields["reason"].required = True
        return form


@admin.register(Certificate)
class CertificateAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["code", "recipient_name", "title", "hours", "issued_at", "revoked_at"]
    list_filter = ["kind", "revoked_at"]
    search_fields = ["code", "recipient_name", "user__email", "title"]
    list_select_related = ["user"]
    readonly_fields = [
        "code",
        "user",
        "kind",
        "recipient_name",
        "title",
        "issuer",
        "hours",
        "first_date",
        "last_date",
        "issued_at",
        "revoked_at",
        "revoked_by",
    ]
    fields = [*readonly_fields, "revoked_reason"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected certificates"), permissions=["change"])
    def revoke(self, request, queryset):
        for certificate in queryset:
            services.certificate_revoke(
                certificate=certificate,
                reason=str(_("Revoked by a coordinator.")),
                revoked_by=request.user,
            )
        messages.success(request, _("The selected certificates are revoked."))
