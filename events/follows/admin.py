from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import SavedSearch


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    """Coordinators see who follows what (to answer "why did I get this e-mail?");
    educators manage their own from /me/alerts/, so nothing is typed in here."""

    list_display = ("user", "query", "frequency", "created_at")
    list_filter = ("frequency", "free_only", "kind", "format", "language")
    search_fields = ("user__email", "query", "text", "provider__name", "topic__name")
    list_select_related = ("user",)
    readonly_fields = ("user", "query", "text")
    fields = ("user", "query", "text", "frequency")

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("search"))
    def label(self, obj):
        return obj.label
