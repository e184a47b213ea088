"""Coordinators set up calls in the back office: dates, texts, formats, criteria,
questions, the review committee, rooms and time slots, and the presenter-hours rule.
Reviewing, deciding and scheduling happen on the call's own pages (linked from here)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from trec.bilingual_admin import BILINGUAL_CSS, bilingual_fieldset, missing_spanish

from .models import (
    Call,
    CallQuestion,
    Conflict,
    Criterion,
    Presenter,
    Proposal,
    Review,
    Reviewer,
    Room,
    SessionFormat,
    Slot,
)


def _inline(model, **options):
    """A plain tabular inline of the call's parts."""
    return type(
        f"{model.__name__}Inline", (admin.TabularInline,), {"model": model, "extra": 0, **options}
    )


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "opens_at", "closes_at", "blind_review", "links"]
    list_filter = [
        "blind_review",
        "credit_rule",
        "opens_at",
        missing_spanish("title", "description"),
    ]
    search_fields = ["title", "title_es", "slug", "event__title"]
    prepopulated_fields = {"slug": ["title"]}
    raw_id_fields = ["event"]
    filter_horizontal = ["topics", "grade_bands"]
    inlines = [
        _inline(SessionFormat),
        _inline(Criterion),
        _inline(CallQuestion),
        _inline(Reviewer, autocomplete_fields=["user"]),
        _inline(Room),
        _inline(Slot),
    ]

    class Media:
        css = BILINGUAL_CSS

    fieldsets = [
        bilingual_fieldset("title", "description"),
        (None, {"fields": ["slug", "event"]}),
        (_("When"), {"fields": ["opens_at", "closes_at"]}),
        (_("What it takes"), {"fields": ["topics", "grade_bands"]}),
        (_("Review and credit"), {"fields": ["blind_review", "credit_rule", "credit_hours"]}),
    ]

    @admin.display(description=_("Pages"))
    def links(self, call):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            call.get_absolute_url(),
            _("Public page"),
            reverse("proposals:manage", kwargs={"slug": call.slug}),
            _("Proposals and decisions"),
        )


class ReadOnlyInline(admin.TabularInline):
    """What reviewers wrote: seen here, changed only on the review pages."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReviewInline(ReadOnlyInline):
    model = Review
    fields = ["reviewer", "score", "comment", "updated_at"]
    readonly_fields = fields


class ConflictInline(ReadOnlyInline):
    model = Conflict
    fields = ["reviewer", "reason", "declared_at"]
    readonly_fields = fields


class PresenterInline(admin.TabularInline):
    model = Presenter
    extra = 0
    fields = ["email", "user", "is_lead", "status", "bio", "photo"]
    readonly_fields = ["user", "is_lead"]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "call", "submitted_by", "status", "room", "slot", "submitted_at"]
    list_filter = ["status", "call"]
    search_fields = ["title", "submitted_by__email", "submitted_by__last_name", "presenters__email"]
    list_select_related = ["call", "submitted_by", "room", "slot"]
    readonly_fields = [
        "call",
        "submitted_by",
        "status",
        "submitted_at",
        "decided_at",
        "room",
        "slot",
        "session",
        "presenter_confirmed_at",
    ]
    fields = [
        "call",
        "submitted_by",
        "title",
        "abstract",
        "session_format",
        "grade_bands",
        "topics",
        "status",
        "submitted_at",
        "decided_at",
        "room",
        "slot",
        "session",
        "presenter_confirmed_at",
    ]
    inlines = [PresenterInline, ReviewInline, ConflictInline]

    def has_add_permission(self, request):
        return False  # proposals come from presenters, through the call's page
