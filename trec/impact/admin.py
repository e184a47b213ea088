from django.contrib import admin

from .models import ImpactSnapshot


@admin.register(ImpactSnapshot)
class ImpactSnapshotAdmin(admin.ModelAdmin):
    """Read-only: snapshots are computed by the task (recompute from /impact/dashboard/)."""

    list_display = ["label", "period_kind", "status", "definitions_version", "computed_at"]
    list_filter = ["period_kind", "status"]
    readonly_fields = [f.name for f in ImpactSnapshot._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
