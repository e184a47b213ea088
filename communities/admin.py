"""Coordinators set up communities and schedule their meetings here; decisions and
attendance happen on the community's roster page (linked from each community)."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from trec.accounts.models import User
from trec.audit_admin import AuditHistoryMixin
from trec.bilingual_admin import BilingualAdminMixin, bilingual_fieldset
from trec.notifications.staff_messages import staff_message_log

from . import services
from .models import Community, Meeting, Membership, Post, Thread


class CommunityAdminForm(forms.ModelForm):
    audience_roles = forms.MultipleChoiceField(
        label=_("roles that may apply"),
        choices=User.Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty when every role may apply."),
    )
    questions = forms.CharField(
        label=_("application questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One question per line."),
    )

    class Meta:
        model = Community
        fields = "__all__"  # noqa: DJ007 - the admin shows every field

    questions_es = forms.CharField(
        label=_("application questions in Spanish"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One question per line, in the same order as the English ones. Spanish readers "
            "see the English questions when this is blank."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["questions"] = "\n".join(self.instance.questions)
            self.initial["questions_es"] = "\n".join(self.instance.questions_es)

    @staticmethod
    def _lines(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]

    def clean_questions(self):
        return self._lines(self.cleaned_data["questions"])

    def clean_questions_es(self):
        return self._lines(self.cleaned_data["questions_es"])

    def clean(self):
        cleaned = super().clean()
        english, spanish = cleaned.get("questions"), cleaned.get("questions_es")
        if english is not None and spanish and len(spanish) != len(english):
            self.add_error(
                "questions_es",
                _(
                    "Give one Spanish question for each of the %(count)d English ones, in "
                    "the same order (or leave it blank)."
                )
                % {"count": len(english)},
            )
        return cleaned


class MeetingInline(admin.StackedInline):
    model = Meeting
    extra = 0
    fieldsets = [
        (None, {"fields": [("starts_at", "duration_minutes"), ("format", "location", "join_url")]}),
        bilingual_fieldset("title", "agenda"),
    ]
    formfield_overrides = {  # Django 6's default scheme; silences its deprecation warning
        models.URLField: {"assume_scheme": "https"},
    }


@admin.register(Community)
class CommunityAdmin(AuditHistoryMixin, BilingualAdminMixin, admin.ModelAdmin):
    form = CommunityAdminForm
    bilingual_fields = ("title", "summary", "description", "materials", "photo_alt")
    list_display = ["title", "school_year", "kind", "status", "capacity", "roster_link"]
    list_filter = ["status", "kind", "school_year"]
    search_fields = ["title", "title_es", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["facilitators", "grade_bands"]
    autocomplete_fields = ["partner"]
    inlines = [MeetingInline]

    change_form_template = "admin/communities/community/change_form.html"

    def get_fieldsets(self, request, obj=None):
        """The application questions, English beside Spanish too, after the texts."""
        texts, (title, settings) = super().get_fieldsets(request, obj)
        rest = [f for f in settings["fields"] if f not in ("questions", "questions_es")]
        return [texts, bilingual_fieldset("questions"), (title, {**settings, "fields": rest})]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Below the form: the log of what facilitators and coordinators e-mailed."""
        community = self.get_object(request, unquote(object_id))
        if community is not None:
            group = services.cohort_group(community=community, sender=request.user)
            extra_context = {
                **(extra_context or {}),
                "log": staff_message_log(group),
                "email_url": reverse("communities:email", args=[community.slug]),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("roster"))
    def roster_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("communities:roster", args=[obj.slug]), _("Roster")
        )


@admin.register(Membership)
class MembershipAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["user", "community", "status", "applied_at", "decided_at"]
    list_filter = ["status", "community"]
    search_fields = ["user__email", "user__last_name", "community__title"]
    list_select_related = ["user", "community"]
    readonly_fields = ["answers", "applied_at", "decided_at", "decided_by"]
    autocomplete_fields = ["user", "community"]


class PostInline(admin.TabularInline):
    model = Post
    extra = 0
    fields = ["author", "body", "created_at", "edited_at", "deleted_at", "hidden_at", "hidden_by"]
    readonly_fields = ["author", "created_at", "edited_at", "deleted_at", "hidden_by"]
    raw_id_fields = ["author"]


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    """Coordinators moderate here when a thread needs more than hiding a post."""

    list_display = ["title", "community", "author", "last_post_at"]
    list_filter = ["community"]
    search_fields = ["title", "posts__body"]
    raw_id_fields = ["author"]
    list_select_related = ["community", "author"]
    inlines = [PostInline]
