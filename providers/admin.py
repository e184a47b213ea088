"""Provider back office.

Coordinators manage every provider and who works for it. Provider staff see and edit
only their own organisation's profile (another provider's URL answers 404), and may
not add or delete providers nor change the fields the hub vouches for: partner,
verified and the public address (slug).
"""

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from events.models import Event
from events.search import refresh_search_vectors
from trec.accounts.roles import is_coordinator
from trec.bilingual_admin import BILINGUAL_CSS, bilingual_fieldset, missing_spanish

from . import admin_views, services
from .access import ProviderScopedAdmin
from .models import (
    Offering,
    OfferingDuration,
    Provider,
    ProviderMembership,
    RequestUpdate,
    SessionRequest,
)

COORDINATOR_ONLY_FIELDS = ("slug", "is_partner", "is_verified")
UNREADABLE_IMAGE = _(
    "This file is not an image we can read. Please upload a JPEG, PNG, WebP or GIF image "
    "up to 2 MB."
)


def _is_coordinator(request) -> bool:
    return request.user.is_active and is_coordinator(request.user)


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
    list_filter = [
        "kind",
        "is_partner",
        "is_verified",
        "topics",
        missing_spanish("summary", "description"),
    ]
    search_fields = ["name", "summary", "summary_es"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["service_area", "topics"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "logo"]}),
        bilingual_fieldset("summary", "description"),
        (_("Contact"), {"fields": ["website", "contact_email", "contact_phone"]}),
        (_("Reach"), {"fields": ["service_area", "topics"]}),
        (_("Standing with the hub"), {"fields": ["is_partner", "is_verified"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    class Media:
        css = BILINGUAL_CSS

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


# --- On-site offerings and the request queue ---------------------------------------------


class OfferingDurationInline(admin.TabularInline):
    model = OfferingDuration
    extra = 1
    min_num = 1
    fields = ["label", "label_es", "minutes", "position"]


@admin.register(Offering)
class OfferingAdmin(ProviderScopedAdmin):
    """Who: coordinators (every provider's offerings) and provider staff (their own
    providers' only; another provider's offering by URL is 404)."""

    list_display = ["title", "provider", "format", "is_active", "position"]
    list_filter = [
        "is_active",
        "format",
        ("provider", admin.RelatedOnlyFieldListFilter),
        missing_spanish("title", "description", "audience"),
    ]
    list_select_related = ["provider"]
    search_fields = ["title", "title_es", "provider__name"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["grade_bands", "areas_served"]
    inlines = [OfferingDurationInline]
    fieldsets = [
        (None, {"fields": ["provider", "slug", "is_active", "position"]}),
        bilingual_fieldset("title", "description", "audience"),
        (_("Audience and reach"), {"fields": ["grade_bands", "format", "areas_served"]}),
    ]

    class Media:
        css = BILINGUAL_CSS


class RequestUpdateInline(admin.TabularInline):
    model = RequestUpdate
    extra = 0
    can_delete = False
    fields = ["created_at", "status", "note", "by"]
    readonly_fields = fields
    verbose_name_plural = _("history")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SessionRequest)
class SessionRequestAdmin(ProviderScopedAdmin):
    """The queue of on-site requests. Who: coordinators (every provider's) and provider
    staff (their own providers' only; another provider's request by URL is 404).
    Requests are never edited by hand: the change page shows the request and its history
    with forms to schedule, mark done or decline, each calling its service (which e-mails
    the school)."""

    change_form_template = "providers/admin/sessionrequest_change_form.html"
    list_display = [
        "school_name",
        "offering",
        "provider",
        "status",
        "first_preferred_date",
        "scheduled_start",
        "created_at",
    ]
    list_filter = [
        "status",
        ("provider", admin.RelatedOnlyFieldListFilter),
        "created_at",
        "scheduled_start",
    ]
    list_select_related = ["provider", "offering"]
    search_fields = ["school_name", "contact_name", "contact_email"]
    date_hierarchy = "created_at"
    inlines = [RequestUpdateInline]
    actions = ["mark_done", "resend_emails"]
    fieldsets = [
        (None, {"fields": ["status", "provider", "offering", "duration", "preferred_dates_list"]}),
        (
            _("School"),
            {
                "fields": [
                    "school_name",
                    "district",
                    "audience_size",
                    "contact_name",
                    "contact_email",
                    "contact_phone",
                    "notes",
                ]
            },
        ),
        (
            _("Decision"),
            {"fields": ["scheduled_start", "scheduled_minutes", "event", "decline_reason"]},
        ),
        (_("Record"), {"fields": ["created_at", "updated_at", "submitted_by"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [f for fieldset in self.fieldsets for f in fieldset[1]["fields"]]

    def has_add_permission(self, request):
        return False  # requests come from schools, through the public form

    @admin.display(description=_("first preferred date"))
    def first_preferred_date(self, obj: SessionRequest):
        slots = obj.preferred_slots()
        return slots[0][0] if slots else "—"

    @admin.display(description=_("preferred dates"))
    def preferred_dates_list(self, obj: SessionRequest) -> str:
        return "; ".join(
            f"{date_format(day, 'DATE_FORMAT')} ({label})" for day, label in obj.preferred_slots()
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and self.has_change_permission(request, obj):
            context.update(admin_views.decision_forms(obj))
            context["decide_url"] = reverse("admin:providers_sessionrequest_decide", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        @require_POST
        def decide(request, object_id):
            return admin_views.decide_view(self, request, object_id)

        return [
            path(
                "<int:object_id>/decide/",
                self.admin_site.admin_view(decide),
                name="providers_sessionrequest_decide",
            ),
            *super().get_urls(),
        ]

    @admin.action(description=_("Mark the selected scheduled requests as done"))
    def mark_done(self, request, queryset):
        done = 0
        for session_request in queryset.filter(status=SessionRequest.Status.SCHEDULED):
            services.request_complete(session_request=session_request, by=request.user)
            done += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d request marked as done; the school was e-mailed.",
                "%(count)d requests marked as done; the schools were e-mailed.",
                done,
            )
            % {"count": done},
            messages.SUCCESS if done else messages.WARNING,
        )

    @admin.action(description=_("Send again the school e-mails that did not go out"))
    def resend_emails(self, request, queryset):
        count = services.requester_emails_resend(session_requests=queryset)
        self.message_user(
            request,
            ngettext("%(count)d e-mail queued.", "%(count)d e-mails queued.", count)
            % {"count": count},
        )
