from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import District, GradeBand, School, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
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
