from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from trec.audit_admin import AuditHistoryMixin

from .models import District, GradeBand, School, User
from .roles import ROLE_GROUPS

# What only a superuser may change on an account (trec.accounts.roles.ROLE_GROUPS).
SUPERUSER_ONLY_FIELDS = ["is_staff", "is_superuser", "user_permissions"]


@admin.register(User)
class UserAdmin(AuditHistoryMixin, BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "role",
        "district",
        "is_staff",
        "date_joined",
    ]
    list_filter = ["role", "is_staff", "is_superuser", "is_active", "groups", "district"]
    search_fields = ["email", "first_name", "last_name"]
    list_select_related = ["district"]
    autocomplete_fields = ["district", "school"]
    filter_horizontal = ["groups", "user_permissions", "grade_bands", "interests"]
    readonly_fields = ["last_login", "date_joined", "onboarded_at"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Name"), {"fields": ["first_name", "last_name"]}),
        (
            _("Educator profile"),
            {
                "fields": [
                    "role",
                    "grade_bands",
                    "district",
                    "school",
                    "years_experience",
                    "students_served",
                    "interests",
                    "preferred_language",
                    "onboarded_at",
                ]
            },
        ),
        (_("Notifications"), {"fields": ["notify_reminders", "notify_updates", "notify_digest"]}),
        (
            _("Access"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]

    # Coordinators manage people, but never hand out more power than their own roles:
    # superuser and staff status and single permissions are read-only to them, the
    # group list offers only the hub's roles, and superusers' accounts (their e-mail,
    # their password) are out of their reach. The form ignores fields it does not show,
    # so a forged POST changes nothing either.

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += SUPERUSER_ONLY_FIELDS
        return readonly

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=ROLE_GROUPS)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        kept = []
        if change and not request.user.is_superuser:
            kept = list(form.instance.groups.exclude(name__in=ROLE_GROUPS))
        super().save_related(request, form, formsets, change)
        if request.user.is_superuser:
            return
        user = form.instance
        user.groups.add(*kept)  # groups outside the roles are not the coordinator's to drop
        if not user.is_staff and user.groups.filter(name__in=ROLE_GROUPS).exists():
            user.is_staff = True  # a role means working in the back office
            user.save(update_fields=["is_staff"])


class SchoolInline(admin.TabularInline):
    model = School
    extra = 0


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_partner"]
    list_filter = ["kind", "is_partner"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SchoolInline]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "district"]
    list_filter = ["district"]
    search_fields = ["name", "district__name"]
    list_select_related = ["district"]


@admin.register(GradeBand)
class GradeBandAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position"]
