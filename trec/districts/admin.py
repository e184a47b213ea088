from django.contrib import admin

from .models import DistrictPartner


@admin.register(DistrictPartner)
class DistrictPartnerAdmin(admin.ModelAdmin):
    """Coordinators give a district's PD lead the "District partner" role here."""

    list_display = ("user", "district", "assigned_by", "assigned_at")
    list_filter = ("district",)
    search_fields = ("user__email", "user__first_name", "user__last_name", "district__name")
    autocomplete_fields = ("user",)
    list_select_related = ("user", "district", "assigned_by")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.assigned_by = request.user
        super().save_model(request, obj, form, change)
