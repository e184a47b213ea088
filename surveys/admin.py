"""Surveys in the back office: a survey's details with its sections inline, and the
builder page (surveys.admin_views) where its questions and their choices are made, on
one page; actions to duplicate a survey for next year, add the role / grade band /
district questions that crosstabs use (in a section of their own), and make single-use
invitation links for anonymous surveys."""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from trec.audit_admin import AuditHistoryMixin
from trec.bilingual_admin import (
    BILINGUAL_CSS,
    BilingualAdminMixin,
    bilingual_fieldset,
    missing_spanish,
)

from . import admin_views, services
from .models import Choice, Invitation, Question, Response, Section, Survey


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ["position", "title", "title_es", "intro", "intro_es"]


@admin.register(Survey)
class SurveyAdmin(AuditHistoryMixin, admin.ModelAdmin):
    class Media:
        css = BILINGUAL_CSS

    list_display = ["title", "kind", "anonymous", "opens_at", "closes_at", "responses", "links"]
    list_filter = ["kind", "anonymous", missing_spanish("title", "intro", "thank_you")]
    search_fields = ["title", "title_es", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    raw_id_fields = ["event"]
    inlines = [SectionInline]
    actions = ["duplicate_for_next_year", "add_profile_questions", "make_invitations"]
    fieldsets = [
        bilingual_fieldset("title", "intro", "thank_you"),
        (None, {"fields": ["slug", "kind", "event", "is_feedback_template"]}),
        (_("Who answers"), {"fields": ["anonymous", "invitation_only", "expected_respondents"]}),
        (_("When"), {"fields": ["opens_at", "closes_at"]}),
    ]

    def get_urls(self):
        def builder(request, object_id):
            return admin_views.builder_view(self, request, object_id)

        return [
            path(
                "<int:object_id>/builder/",
                self.admin_site.admin_view(builder),
                name="surveys_survey_builder",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "builder_url": reverse("admin:surveys_survey_builder", args=[object_id])
            if str(object_id).isdigit()
            else None,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def response_add(self, request, obj, post_url_continue=None):
        """A new survey goes on to the builder, where its questions are made."""
        if "_addanother" in request.POST or "_continue" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(request, _("Survey saved. Now add its questions."), messages.SUCCESS)
        return HttpResponseRedirect(admin_views.builder_url(obj))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                submitted=Count("responses", filter=Q(responses__status=Response.Status.SUBMITTED))
            )
        )

    @admin.display(description=_("responses"), ordering="submitted")
    def responses(self, survey):
        return survey.submitted

    @admin.display(description=_("links"))
    def links(self, survey):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            admin_views.builder_url(survey),
            _("Questions"),
            survey.get_absolute_url(),
            _("Open"),
            reverse("surveys:report", args=[survey.slug]),
            _("Report"),
        )

    @admin.action(description=_("Duplicate for next year (questions, not responses)"))
    def duplicate_for_next_year(self, request, queryset):
        copies = [services.survey_duplicate(survey=survey) for survey in queryset]
        self.message_user(
            request,
            ngettext("Made %(n)d copy: %(titles)s.", "Made %(n)d copies: %(titles)s.", len(copies))
            % {"n": len(copies), "titles": ", ".join(copy.title for copy in copies)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Add role, grade band and district questions (own section)"))
    def add_profile_questions(self, request, queryset):
        for survey in queryset:
            services.profile_section_add(survey=survey)
        self.message_user(request, _("Questions added."), messages.SUCCESS)

    @admin.action(description=_("Make 50 single-use invitation links (anonymous surveys)"))
    def make_invitations(self, request, queryset):
        for survey in queryset:
            if not survey.anonymous:
                self.message_user(
                    request,
                    _("%(title)s is not anonymous: identified surveys need no links.")
                    % {"title": survey.title},
                    messages.WARNING,
                )
                continue
            services.invitations_create(survey=survey, count=50)
        self.message_user(
            request, _("Links made: see the invitations list to copy them."), messages.SUCCESS
        )


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 3
    fields = ["position", "label", "label_es", "value", "topic"]


@admin.register(Question)
class QuestionAdmin(BilingualAdminMixin, admin.ModelAdmin):
    bilingual_fields = ("text", "help_text", "scale_labels")  # English beside Spanish
    list_display = ["text", "survey", "kind", "position", "required"]
    list_filter = ["kind", "survey"]  # and the "Spanish text" filter (the mixin)
    search_fields = ["text", "text_es"]
    list_select_related = ["survey"]
    inlines = [ChoiceInline]
    raw_id_fields = ["survey", "show_if_question", "section"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["survey", "link", "used"]
    list_filter = ["used", "survey"]
    list_select_related = ["survey"]
    readonly_fields = ["token", "used"]

    @admin.display(description=_("link"))
    def link(self, invitation):
        return invitation.link()
