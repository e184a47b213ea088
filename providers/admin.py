"""Provider back office.

Coordinators manage every provider and who works for it. Provider staff see and edit
only their own organisation's profile (another provider's URL answers 404), and may
not add or delete providers nor change the fields the hub vouches for: partner,
verified and the public address (slug).
"""

from django.contrib import admin
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from events.models import Event
from events.search import refresh_search_vectors

from .access import ProviderScopedAdmin
from .models import Provider, ProviderMembership

COORDINATOR_ONLY_FIELDS = ("slug", "is_partner", "is_verified")
UNREADABLE_IMAGE = _(
    "This file is not an image we can read. Please upload a JPEG, PNG, WebP or GIF image "
    "up to 2 MB."
)


def _is_coordinator(request) -> bool:
    return request.user.is_active and request.user.is_coordinator


class ProviderMembershipInline(admin.TabularInline):
    model = ProviderMembership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]
    verbose_name = _("staff member")
    verbose_name_plural = _("staff members")


@admin.register(Provider)
class ProviderAdmin(ProviderScopedAdmin):
    # The provider is its own scope: staff see the providers they are members of.
    provider_path = "pk"

    list_display = ["name", "kind", "is_partner", "is_verified", "event_count"]
    list_filter = ["kind", "is_partner", "is_verified", "topics"]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["service_area", "topics"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "summary", "description", "logo"]}),
        (_("Contact"), {"fields": ["website", "contact_email", "contact_phone"]}),
        (_("Reach"), {"fields": ["service_area", "topics"]}),
        (_("Standing with the hub"), {"fields": ["is_partner", "is_verified"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]
    inlines = [ProviderMembershipInline]

    def get_queryset(self, request):
        # Scoped to the user's providers by ProviderScopedAdmin (pk__in their ids).
        events = (
            Event.objects.filter(provider=OuterRef("pk"))
            .order_by()
            .values("provider")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(event_count=Coalesce(Subquery(events, output_field=IntegerField()), 0))
        )

    @admin.display(description=_("events"), ordering="event_count")
    def event_count(self, provider: Provider) -> int:
        return provider.event_count

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"  # Django 6's default; silences its warning
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "logo":
            # Pillow cannot open the file at all: the form field refuses it before the
            # model's validator (type and size) runs; say so in the hub's words.
            field.error_messages["invalid_image"] = UNREADABLE_IMAGE
        return field

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not _is_coordinator(request):
            fields += COORDINATOR_ONLY_FIELDS
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        # A read-only slug is not a form field: nothing to prepopulate.
        return super().get_prepopulated_fields(request, obj) if _is_coordinator(request) else {}

    def get_inlines(self, request, obj):
        return super().get_inlines(request, obj) if _is_coordinator(request) else []

    def has_add_permission(self, request):
        return _is_coordinator(request) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return _is_coordinator(request) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "name" in form.changed_data:
            # Provider names are part of their events' search vectors.
            refresh_search_vectors(provider_id=obj.pk)


@admin.register(ProviderMembership)
class ProviderMembershipAdmin(admin.ModelAdmin):
    """Who works for which provider: coordinators only."""

    list_display = ["user", "provider", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "provider__name"]
    autocomplete_fields = ["user", "provider"]
    list_select_related = ["user", "provider"]
    readonly_fields = ["created_at"]

    def has_module_permission(self, request):
        return _is_coordinator(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return _is_coordinator(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return _is_coordinator(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return _is_coordinator(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_coordinator(request) and super().has_delete_permission(request, obj)
