"""The events back office.

Coordinators see every listing, approve or return them, and manage everything. Provider
staff see and edit only their own providers' events and registrations (ProviderScopedAdmin:
anything else is a 404); they never set a listing's status: saving a draft or a returned
listing sends it to the coordinators for review, and a published listing stays published.
Every write that matters goes through events.services.
"""

import logging
from decimal import Decimal

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from import_export.admin import ImportMixin

from events import attendance, services
from events.models import Event, EventMaterial, EventSession, ExpoBooth, Registration, Topic
from providers.access import ProviderScopedAdmin, provider_ids_for
from providers.models import Provider
from trec.accounts.roles import is_coordinator
from trec.audit_admin import AuditHistoryMixin
from trec.bilingual_admin import BILINGUAL_CSS, bilingual_fieldset, missing_spanish, side_by_side

from . import listing as admin_listing
from . import review_desk
from . import views as admin_views
from .forms import EventAdminForm, EventSessionInlineForm, RegistrationAddForm
from .import_files import EventImportConfirmForm, ImportUploadStorage, sign_upload_name
from .import_formats import ForgivingCSV, ForgivingXLSX, ImportFileError
from .resources import EventResource

logger = logging.getLogger(__name__)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "name_es", "slug"]
    list_filter = [missing_spanish("name")]
    search_fields = ["name", "name_es"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [bilingual_fieldset("name"), (None, {"fields": ["slug"]})]

    class Media:
        css = BILINGUAL_CSS


def _registrations_with(status: str):
    """How many registrations of the row's event have `status`: a correlated subquery,
    so the changelist needs no GROUP BY and no query per row."""
    counts = (
        Registration.objects.filter(event=OuterRef("pk"), status=status)
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts), 0)


class CollapsedRelatedFilter(admin.RelatedFieldListFilter):
    """A related-object filter that starts folded: the provider list is a hundred long."""

    template = "admin/events/event/_collapsed_filter.html"


class ProgramSessionInlineForm(EventSessionInlineForm):
    """The session form with the program fields; PD hours may be left empty (0)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "pd_hours" in self.fields:
            self.fields["pd_hours"].required = False

    def clean_pd_hours(self):
        return self.cleaned_data.get("pd_hours") or Decimal("0")


class EventSessionInline(admin.StackedInline):
    """Stacked, not tabular: every input keeps its own label for screen readers. The
    program fields (track, seats, presenters, PD hours, Spotlight) fold away."""

    model = EventSession
    form = ProgramSessionInlineForm
    fieldsets = [
        (
            None,
            {
                "classes": ["bilingual"],
                "fields": [
                    ("title", "title_es"),
                    "starts_at",
                    "ends_at",
                    *side_by_side("location"),
                ],
            },
        ),
        (
            gettext_lazy("Programs: track, seats, presenters, PD hours, Spotlight"),
            {
                "classes": ["collapse", "bilingual"],
                "fields": [
                    *side_by_side("track"),
                    "capacity",
                    "presenters",
                    "pd_hours",
                    *side_by_side("description"),
                    "featured_provider",
                    "recording_url",
                    "provider_link",
                ],
            },
        ),
    ]
    verbose_name_plural = gettext_lazy("Sessions (none for an on-demand resource)")

    class Media:
        # Listing fast: a new session starts as the one above it, a week later.
        js = ["js/admin-sessions.js"]

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj is not None and obj.pk else 1

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ExpoBoothInline(admin.TabularInline):
    """The providers exhibiting at a program's resource expo."""

    model = ExpoBooth
    fields = ["provider", "booth", "note", "note_es"]  # a table: one column each
    extra = 0
    verbose_name_plural = gettext_lazy("Resource expo (programs)")


class EventMaterialInline(admin.StackedInline):
    """Handouts, slides and links on the event page, for everyone or registrants only."""

    model = EventMaterial
    fields = [("title", "title_es"), "url", "file", "registrants_only", "position"]
    extra = 0
    verbose_name_plural = gettext_lazy("Materials")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)


MissingSpanishEventFilter = missing_spanish("title", "summary", "description")


class ListingWhenFilter(admin.SimpleListFilter):
    """The list opens on upcoming listings (and those with no date yet); past ones,
    drafts and those waiting for review are one click away."""

    title = gettext_lazy("Show")
    parameter_name = "when"
    DEFAULT = "upcoming"

    def lookups(self, request, model_admin):
        return [
            ("upcoming", _("Upcoming")),
            ("past", _("Past")),
            ("draft", _("Drafts")),
            ("review", _("Needs review")),
            ("all", _("All")),
        ]

    def value(self):
        return super().value() or self.DEFAULT

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        if request.method != "GET" and self.parameter_name not in self.used_parameters:
            # An action posted without the list's query string acts on what was chosen.
            return queryset
        now = timezone.now()
        upcoming = models.Q(ends_at__gte=now) | models.Q(ends_at__isnull=True)
        return {
            "upcoming": lambda: queryset.filter(upcoming),
            "past": lambda: queryset.filter(ends_at__lt=now).exclude(kind=Event.Kind.ON_DEMAND),
            "draft": lambda: queryset.filter(status=Event.Status.DRAFT),
            "review": lambda: queryset.filter(status=Event.Status.SUBMITTED),
        }.get(self.value(), lambda: queryset)()


@admin.register(Event)
class EventAdmin(AuditHistoryMixin, ImportMixin, ProviderScopedAdmin):
    form = EventAdminForm
    inlines = [EventSessionInline, EventMaterialInline, ExpoBoothInline]
    resource_classes = [EventResource]
    import_template_name = "admin/events/event/import.html"
    tmp_storage_class = ImportUploadStorage
    confirm_form_class = EventImportConfirmForm
    change_form_template = "admin/events/event/change_form.html"
    import_export_change_list_template = "admin/events/event/change_list.html"
    list_display = [
        "title",
        "provider",
        "status",
        "first_session",
        "registrations",
        "roster_link",
    ]
    list_select_related = ["provider"]
    search_fields = ["title", "provider__name"]
    date_hierarchy = "starts_at"
    ordering = ["starts_at", "title"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["topics", "grade_bands"]
    actions = [
        "approve_and_publish",
        "return_to_provider",
        *["submit_for_review", "close_registration", "duplicate_listings", "export_csv"],
    ]
    list_per_page = 50

    class Media:
        css = BILINGUAL_CSS

    # --- Who sees what --------------------------------------------------------------

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                confirmed_total=_registrations_with(Registration.Status.CONFIRMED),
                waiting_total=_registrations_with(Registration.Status.WAITLISTED),
            )
        )

    def get_list_filter(self, request):
        filters = [
            ListingWhenFilter,
            "status",
            "kind",
            "format",
            "language",
            "topics",
            MissingSpanishEventFilter,
        ]
        if is_coordinator(request.user):
            filters.append(("provider", CollapsedRelatedFilter))
        return filters

    def has_review_permission(self, request) -> bool:
        """Approving and returning listings is the coordinators' job."""
        return is_coordinator(request.user)

    index_shortcuts = review_desk.index_shortcuts  # the review desk on the admin index

    def has_import_permission(self, request) -> bool:
        if not self.has_add_permission(request):
            return False
        ids = provider_ids_for(request.user)
        return ids is None or bool(ids)

    # --- Changelist columns ---------------------------------------------------------

    @admin.display(description=gettext_lazy("First session"), ordering="starts_at")
    def first_session(self, event):
        if event.starts_at is None:
            return _("On demand") if event.kind == Event.Kind.ON_DEMAND else "—"
        return date_format(timezone.localtime(event.starts_at), "M j, Y, g:i A")

    @admin.display(description=gettext_lazy("Registrations"), ordering="confirmed_total")
    def registrations(self, event):
        taken = (
            f"{event.confirmed_total} / {event.capacity}"
            if event.capacity is not None
            else str(event.confirmed_total)
        )
        if event.waiting_total:
            return _("%(taken)s (+%(waiting)d waiting)") % {
                "taken": taken,
                "waiting": event.waiting_total,
            }
        return taken

    @admin.display(description=gettext_lazy("Roster"))
    def roster_link(self, event):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:events_event_roster", args=[event.pk]),
            _("Roster"),
        )

    # --- The form -------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        coordinator = is_coordinator(request.user)
        fieldsets = [
            (
                None,
                {
                    "classes": ["bilingual"],
                    "fields": [
                        "provider",
                        *side_by_side("title"),
                        "slug",
                        *side_by_side("summary", "description"),
                    ],
                    "description": _(
                        "Spanish readers see the Spanish text when it is filled in and the "
                        "English otherwise."
                    ),
                },
            ),
            (
                _("Kind, audience and topics"),
                {
                    "fields": [
                        "kind",
                        "format",
                        "language",
                        "grade_bands",
                        "audience_roles",
                        "topics",
                    ]
                },
            ),
            (
                _("Registration, seats, cost and hours"),
                {
                    "classes": ["bilingual"],
                    "fields": [
                        "registration_mode",
                        "external_registration_url",
                        "requires_approval",
                        "registration_closed",
                        "joins_after_start",
                        "capacity",
                        "cost",
                        "payment_method",
                        *side_by_side("payment_instructions"),
                        "pd_hours",
                    ],
                },
            ),
            (_("Where"), {"fields": ["venue_name", "address", "join_url", "recording_url"]}),
            (
                _("Cover and presenters"),
                {
                    "classes": ["bilingual"],
                    "fields": ["cover", *side_by_side("cover_alt"), "presenters_text"],
                },
            ),
        ]
        if obj is None:
            review = {"fields": ["status"]} if coordinator else {"fields": []}
        else:
            review = {"fields": ["status", "review_comment", "published_at"]}
            if coordinator and obj.status == Event.Status.PUBLISHED:
                review["fields"].insert(1, "tell_registrants")  # unpublishing asks first
        if not coordinator:
            review["description"] = _(
                "Saving sends a new or returned listing to the hub's coordinators, who "
                "publish it or send it back with a comment. Changes to a published listing "
                "show at once."
            )
        if review["fields"] or "description" in review:
            fieldsets.append((_("Review"), review))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = ["review_comment", "published_at"]
        if not is_coordinator(request.user):
            readonly.append("status")
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        status = form.base_fields.get("status")
        if status is not None and not (obj and obj.status == Event.Status.CANCELLED):
            # Cancelling e-mails the registrants: it has its own page that asks first.
            status.choices = [
                choice for choice in status.choices if choice[0] != Event.Status.CANCELLED
            ]
        return form

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"  # Django 6's default; silences its warning
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Provider:
            ids = provider_ids_for(request.user)
            if ids is not None and len(ids) == 1:
                kwargs["empty_label"] = None
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        ids = provider_ids_for(request.user)
        if ids and "provider" not in initial:
            first = Provider.objects.filter(pk__in=ids).order_by("name").first()
            initial["provider"] = first.pk if first else None
        return initial

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context.update(
                {
                    "roster_url": reverse("admin:events_event_roster", args=[obj.pk]),
                    "cancel_url": reverse("admin:events_event_cancel", args=[obj.pk]),
                    "can_cancel": admin_views.can_cancel(self, request, obj),
                    "is_coordinator": is_coordinator(request.user),
                    "returned": obj.status == Event.Status.DRAFT and bool(obj.review_comment),
                    **self.listing_tools(request, obj),
                }
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- Saving -------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The status and what follows from the save (review, publishing, registrants
        # told, seats filled) are the service's, once the sessions are saved too.
        event = form.instance
        saved = services.event_save(
            event=event,
            by=request.user,
            status=form.requested_status,
            capacity_before=form.initial.get("capacity") if change else None,
        )
        title = {"title": event.title}
        if saved.submitted:
            self.message_user(
                request, _("“%(title)s” was sent to the hub's coordinators for review.") % title
            )
        if saved.refused:
            self.message_user(request, saved.refused, messages.ERROR)
        if saved.published:
            self.message_user(
                request, _("“%(title)s” is published; the provider has been e-mailed.") % title
            )
        if saved.unlisted:
            self.message_user(
                request,
                _("“%(title)s” is off the catalog.") % title
                if not saved.told
                else ngettext(
                    "“%(title)s” is off the catalog; %(count)d registrant was e-mailed.",
                    "“%(title)s” is off the catalog; %(count)d registrants were e-mailed.",
                    saved.told,
                )
                % {**title, "count": saved.told},
            )
        if saved.promoted:
            self.message_user(
                request,
                ngettext(
                    "%(count)d person moved from the waiting list into a new seat.",
                    "%(count)d people moved from the waiting list into the new seats.",
                    saved.promoted,
                )
                % {"count": saved.promoted},
            )

    # --- Coordinator actions ------------------------------------------------------------

    @admin.action(permissions=["review"], description=gettext_lazy("Approve and publish"))
    def approve_and_publish(self, request, queryset):
        published = skipped = 0
        for event in queryset.select_related("provider"):
            if event.status not in (Event.Status.DRAFT, Event.Status.SUBMITTED):
                skipped += 1
                continue
            try:
                services.event_approve(event=event, actor=request.user)
            except ValidationError as refused:
                self.message_user(request, refused.messages[0], messages.ERROR)
            else:
                published += 1
        if published:
            self.message_user(
                request,
                ngettext(
                    "Published %(count)d listing; its provider has been e-mailed.",
                    "Published %(count)d listings; their providers have been e-mailed.",
                    published,
                )
                % {"count": published},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d listing was skipped: it is already published, cancelled or "
                    "archived.",
                    "%(count)d listings were skipped: they are already published, cancelled "
                    "or archived.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(
        permissions=["review"], description=gettext_lazy("Return to provider with a comment")
    )
    def return_to_provider(self, request, queryset):
        return admin_views.return_listings(self, request, queryset)

    # --- Custom pages -------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        info = f"{self.opts.app_label}_{self.opts.model_name}"

        def page(view):
            def handler(request, *args, **kwargs):
                return view(self, request, *args, **kwargs)

            return wrap(handler)

        return [
            *admin_listing.urls(self, page, info),
            path(
                "import/template.csv",
                page(admin_views.import_template_view),
                name=f"{info}_import_template",
            ),
            path(
                "<int:object_id>/roster/",
                page(admin_views.roster_view),
                name=f"{info}_roster",
            ),
            path(
                "<int:object_id>/roster.csv",
                page(admin_views.roster_csv_view),
                name=f"{info}_roster_csv",
            ),
            path(
                "<int:object_id>/roster/email/",
                page(admin_views.roster_email_view),
                name=f"{info}_roster_email",
            ),
            path(
                "<int:object_id>/cancel/",
                page(admin_views.cancel_view),
                name=f"{info}_cancel",
            ),
            *review_desk.urls(page, info),  # the coordinators' review desk
            *super().get_urls(),
        ]

    # --- Listing fast: duplicate, series, templates, bulk actions (events.admin.listing) ---

    def get_list_display(self, request):
        """Narrow enough for a 1366 px screen with the filters beside it: staff of a
        single provider do not need the provider column."""
        shown = list(super().get_list_display(request))
        ids = provider_ids_for(request.user)
        if ids is not None and len(ids) <= 1:
            shown.remove("provider")
        return shown

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if self.has_add_permission(request):
            extra_context["templates_url"] = reverse("admin:events_event_templates")
        return super().changelist_view(request, extra_context)

    def listing_tools(self, request, obj) -> dict:
        """The change page's buttons for the listing pages."""
        tools = {}
        if self.has_change_permission(request, obj):
            tools["series_url"] = reverse("admin:events_event_series", args=[obj.pk])
        if self.has_add_permission(request):
            tools["duplicate_url"] = reverse("admin:events_event_duplicate", args=[obj.pk])
            tools["save_template_url"] = reverse("admin:events_event_save_template", args=[obj.pk])
        return tools

    @admin.action(permissions=["change"], description=gettext_lazy("Submit for review"))
    def submit_for_review(self, request, queryset):
        return admin_listing.submit_for_review(self, request, queryset)

    @admin.action(permissions=["change"], description=gettext_lazy("Close registration"))
    def close_registration(self, request, queryset):
        return admin_listing.close_registration(self, request, queryset)

    @admin.action(permissions=["add"], description=gettext_lazy("Duplicate as drafts"))
    def duplicate_listings(self, request, queryset):
        return admin_listing.duplicate(self, request, queryset)

    @admin.action(permissions=["view"], description=gettext_lazy("Export as CSV"))
    def export_csv(self, request, queryset):
        return admin_listing.export_csv(self, request, queryset)

    # --- Import -------------------------------------------------------------------------

    def get_import_formats(self):
        return [ForgivingCSV, ForgivingXLSX]

    def add_data_read_fail_error_to_form(self, form, e):
        if not isinstance(e, ImportFileError):
            logger.warning("event import file unreadable: %r", e)
            e = ImportFileError(
                _(
                    "This file could not be read. Save it as CSV (UTF-8) or as an Excel "
                    "workbook (.xlsx) and upload it again."
                )
            )
        form.add_error("import_file", str(e))

    def get_import_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs.pop("request", None)
        # A row that became invalid between the preview and the confirmation (a topic
        # deleted meanwhile) undoes the whole batch, not just that row.
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def get_confirm_form_kwargs(self, request, import_form=None):
        return {
            **super().get_confirm_form_kwargs(request, import_form),
            "user": request.user,
            "format_count": len(self.get_import_formats()),
            "resource_count": len(self.get_import_resource_classes(request)),
        }

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if "import_file_name" in initial:
            initial["import_file_name"] = sign_upload_name(
                initial["import_file_name"], user=request.user
            )
        return initial

    def process_import(self, request, **kwargs):
        """The confirmation reads only the person's own, still waiting upload
        (events.admin.import_files); anything else is a 400 that says what to do."""
        if request.method == "POST" and self.has_import_permission(request):
            form = self.create_confirm_form(request)
            if not form.is_valid():
                context = {
                    **self.admin_site.each_context(request),
                    "title": _("Import"),
                    "opts": self.opts,
                    "errors": [e for errors in form.errors.values() for e in errors],
                    "import_url": reverse("admin:events_event_import"),
                }
                return TemplateResponse(
                    request, "admin/events/event/import_refused.html", context, status=400
                )
        return super().process_import(request, **kwargs)

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["template_url"] = reverse("admin:events_event_import_template")
        return context

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                _(
                    "Nothing was imported: some rows are no longer valid. Upload the file "
                    "again to see what changed."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:events_event_import"))
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        created = result.totals.get("new", 0)
        self.message_user(
            request,
            ngettext(
                "Imported %(count)d event; it is waiting for a coordinator's review.",
                "Imported %(count)d events; they are waiting for a coordinator's review.",
                created,
            )
            % {"count": created},
            messages.SUCCESS,
        )


@admin.register(Registration)
class RegistrationAdmin(ProviderScopedAdmin):
    provider_path = "event__provider"
    list_display = [
        "user",
        "email",
        "event",
        "status",
        "waitlist_position",
        "created_at",
        "completed_at",
    ]
    list_filter = ["status", "event__kind", ("completed_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "user__first_name", "user__last_name", "event__title"]
    list_select_related = ["user", "event"]
    ordering = ["-created_at"]
    raw_id_fields = ["user", "event"]
    actions = [
        "approve_pending",
        "decline_pending",
        "cancel_registrations",
        "verify_completion",
        "undo_completion",
    ]
    add_form = RegistrationAddForm
    readonly_on_change = [
        "user",
        "event",
        "status",
        "waitlist_position",
        "created_at",
        "confirmed_at",
        "cancelled_at",
        "completed_at",
        "completion_verified_by",
        "checked_in_at",
        "checked_in_by",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_waitlist_position()

    def has_add_permission(self, request):
        # Provider staff never add registrations; educators register themselves.
        return is_coordinator(request.user) and super().has_add_permission(request)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["user", "event"] if obj is None else self.readonly_on_change

    def get_readonly_fields(self, request, obj=None):
        # Status changes go through the actions (they keep seats and the waiting list right).
        return [] if obj is None else self.readonly_on_change

    @admin.display(description=gettext_lazy("e-mail"), ordering="user__email")
    def email(self, registration):
        return registration.user.email

    @admin.display(description=gettext_lazy("Waiting-list position"), ordering="queue_number")
    def waitlist_position(self, registration):
        return registration.waitlist_position or "—"

    def save_form(self, request, form, change):
        if change:
            return super().save_form(request, form, change)
        # Adding goes through the service (seats, waiting list, e-mail): the page logs and
        # shows the registration it made, or the one that was already there.
        result = services.registration_create(
            event=form.cleaned_data["event"], user=form.cleaned_data["user"]
        )
        if not result.created:
            self.message_user(
                request,
                _("%(user)s was already registered; nothing changed.")
                % {"user": result.registration.user},
                messages.WARNING,
            )
        return result.registration

    def save_model(self, request, obj, form, change):
        if change:  # an added registration was saved by the service (save_form)
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if change:  # the same: nothing is left to save for an added one
            super().save_related(request, form, formsets, change)

    @admin.action(
        permissions=["change"],
        description=gettext_lazy("Approve selected pending (or reverse a decline)"),
    )
    def approve_pending(self, request, queryset):
        confirmed = waitlisted = 0
        # First come, first served: the earliest requests get the remaining seats.
        pending = queryset.filter(
            status__in=[Registration.Status.PENDING, Registration.Status.DECLINED]
        ).order_by("created_at")
        for registration in pending:
            decided = services.registration_decide(registration=registration, approve=True)
            if decided.status == Registration.Status.CONFIRMED:
                confirmed += 1
            else:
                waitlisted += 1
        self.message_user(
            request,
            _("Approved %(confirmed)d; %(waitlisted)d went to the waiting list (event full).")
            % {"confirmed": confirmed, "waitlisted": waitlisted},
            messages.SUCCESS if confirmed or waitlisted else messages.WARNING,
        )

    @admin.action(permissions=["change"], description=gettext_lazy("Decline selected pending"))
    def decline_pending(self, request, queryset):
        declined = 0
        for registration in queryset.filter(status=Registration.Status.PENDING):
            services.registration_decide(registration=registration, approve=False)
            declined += 1
        self.message_user(
            request,
            ngettext(
                "Declined %(count)d registration.", "Declined %(count)d registrations.", declined
            )
            % {"count": declined},
            messages.SUCCESS if declined else messages.WARNING,
        )

    @admin.action(
        permissions=["change"],
        description=gettext_lazy("Verify completion of on-demand resources (adds PD hours)"),
    )
    def verify_completion(self, request, queryset):
        self._completion(request, queryset, completed=True)

    @admin.action(permissions=["change"], description=gettext_lazy("Undo verified completion"))
    def undo_completion(self, request, queryset):
        self._completion(request, queryset, completed=False)

    def _completion(self, request, queryset, *, completed: bool) -> None:
        changed = attendance.completions_verify(
            registrations=list(queryset), verified_by=request.user, completed=completed
        )
        template = (
            _("Verified %(count)d completion(s); their PD hours are on their transcripts.")
            if completed
            else _("Took back %(count)d completion(s) and their PD hours.")
        )
        self.message_user(
            request,
            template % {"count": changed}
            + ("" if changed else " " + _("Only confirmed on-demand registrations count.")),
            messages.SUCCESS if changed else messages.WARNING,
        )

    @admin.action(
        permissions=["change"],
        description=gettext_lazy("Cancel selected (frees seats for the waiting list)"),
    )
    def cancel_registrations(self, request, queryset):
        cancelled = promoted = 0
        active = queryset.filter(status__in=services.ACTIVE)
        for registration in active:
            promoted += len(services.registration_cancel(registration=registration))
            cancelled += 1
        self.message_user(
            request,
            _("Cancelled %(cancelled)d; %(promoted)d moved up from the waiting list.")
            % {"cancelled": cancelled, "promoted": promoted},
            messages.SUCCESS if cancelled else messages.WARNING,
        )
