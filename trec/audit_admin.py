"""The audit trail in the back office: an object's History, and the coordinators' log of
every step and change across the hub, with filters (person, kind of object, action,
dates).

Both read ``auditlog.LogEntry`` (trec.audit writes it) and show each entry the same
way: when, who, what, and each value before and after, with field names and choice
labels in the reader's language. Nothing here computes a difference: auditlog stored
it when the change was made.
"""

from dataclasses import dataclass

import django_filters
from auditlog.models import LogEntry
from django import forms
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit import EDIT_LABELS, Step

PAGE_SIZE = 50


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Row:
    entry: LogEntry
    action: str
    actor: str
    object_type: str
    object_label: str
    object_url: str
    changes: list[Change]
    note: str


def _value(field, value) -> str:
    if value in (None, "", "None"):
        return ""
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if (
        value in ("True", "False")
        and field is not None
        and field.get_internal_type()
        in (
            "BooleanField",
            "NullBooleanField",
        )
    ):
        return _("Yes") if value == "True" else _("No")
    return str(value)


def _changes(entry: LogEntry, model) -> list[Change]:
    changes = []
    for name, values in (entry.changes_dict or {}).items():
        try:
            field = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:
            field = None
        label = (
            capfirst(str(field.verbose_name))
            if field is not None and hasattr(field, "verbose_name")
            else name
        )
        if isinstance(values, dict) and values.get("type") == "m2m":
            objects = ", ".join(str(o) for o in values.get("objects", []))
            added = values.get("operation") == "add"
            changes.append(Change(label, "" if added else objects, objects if added else ""))
            continue
        before, after = (list(values) + ["", ""])[:2]
        changes.append(Change(label, _value(field, before), _value(field, after)))
    return changes


def _action(entry: LogEntry) -> str:
    step = (entry.additional_data or {}).get("step")
    if step in Step.values:
        return str(Step(step).label)
    return str(EDIT_LABELS.get(entry.action, entry.get_action_display()))


def _object_url(content_type: ContentType, object_id) -> str:
    if object_id is None:
        return ""
    try:
        return reverse(
            f"admin:{content_type.app_label}_{content_type.model}_change", args=[object_id]
        )
    except NoReverseMatch:
        return ""


def rows_for(entries) -> list[Row]:
    """Entries ready to show (select_related content_type and actor beforehand)."""
    rows = []
    for entry in entries:
        model = entry.content_type.model_class()
        rows.append(
            Row(
                entry=entry,
                action=_action(entry),
                actor=(entry.actor.get_full_name() or entry.actor.email)
                if entry.actor
                else entry.actor_email or _("The system"),
                object_type=capfirst(str(model._meta.verbose_name)) if model else "",
                object_label=entry.object_repr,
                object_url=_object_url(entry.content_type, entry.object_id),
                changes=_changes(entry, model),
                note=(entry.additional_data or {}).get("note", ""),
            )
        )
    return rows


def entries_for(obj):
    """Everything recorded about `obj`, and the entries that name it as related (a
    session's edits in its event's History), newest first."""
    content_type = ContentType.objects.get_for_model(obj)
    related = f"{obj._meta.label_lower}:{obj.pk}"
    return (
        LogEntry.objects.filter(
            Q(content_type=content_type, object_pk=str(obj.pk))
            | Q(additional_data__related=related)
        )
        .select_related("content_type", "actor")
        .order_by("-timestamp", "-pk")
    )


class AuditHistoryMixin:
    """A ModelAdmin's History page shows the audit trail (put it first in the bases).
    The object is looked up through the admin's own queryset, so anything the person
    may not see is a 404."""

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        page = Paginator(entries_for(obj), PAGE_SIZE).get_page(request.GET.get("p"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change history: %s") % obj,
            "subtitle": None,
            "opts": self.opts,
            "object": obj,
            "original": obj,
            "rows": rows_for(page.object_list),
            "page": page,
            "show_object": False,
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/audit/object_history.html", context)


# --- The coordinators' log --------------------------------------------------------------

EDIT_ACTIONS = {
    "create": LogEntry.Action.CREATE,
    "update": LogEntry.Action.UPDATE,
    "delete": LogEntry.Action.DELETE,
}


def _action_choices():
    return [
        ("create", EDIT_LABELS[LogEntry.Action.CREATE]),
        ("update", EDIT_LABELS[LogEntry.Action.UPDATE]),
        ("delete", EDIT_LABELS[LogEntry.Action.DELETE]),
        *Step.choices,
    ]


def _type_choices():
    ids = LogEntry.objects.order_by().values_list("content_type", flat=True).distinct()
    types = ContentType.objects.filter(pk__in=ids)
    return sorted(
        (
            (ct.pk, capfirst(str(ct.model_class()._meta.verbose_name)))
            for ct in types
            if ct.model_class() is not None
        ),
        key=lambda choice: choice[1],
    )


def _actor_queryset(request):
    ids = LogEntry.objects.order_by().values_list("actor", flat=True).distinct()
    return get_user_model().objects.filter(pk__in=ids).order_by("email")


class AuditLogFilter(django_filters.FilterSet):
    actor = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Person"), queryset=_actor_queryset, empty_label=gettext_lazy("Anyone")
    )
    object_type = django_filters.ChoiceFilter(
        label=gettext_lazy("Kind of object"),
        field_name="content_type",
        choices=_type_choices,
        empty_label=gettext_lazy("Any"),
    )
    action = django_filters.ChoiceFilter(
        label=gettext_lazy("Action"),
        choices=_action_choices,
        method="filter_action",
        empty_label=gettext_lazy("Any"),
    )
    since = django_filters.DateFilter(
        label=gettext_lazy("From"),
        field_name="timestamp",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        label=gettext_lazy("Until"),
        field_name="timestamp",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = LogEntry
        fields = []

    def filter_action(self, queryset, name, value):
        if value in EDIT_ACTIONS:
            edits = queryset.filter(action=EDIT_ACTIONS[value])
            return edits.exclude(additional_data__has_key="step")
        return queryset.filter(additional_data__step=value)


def audit_log_view(site, request):
    """Who: coordinators; anyone else gets a 404. Every recorded step and change,
    newest first, 50 a page."""
    if not request.user.is_coordinator:
        raise Http404
    entries = LogEntry.objects.select_related("content_type", "actor").order_by("-timestamp", "-pk")
    filters = AuditLogFilter(request.GET or None, queryset=entries, request=request)
    queryset = filters.qs if filters.is_bound else entries
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    context = {
        **site.each_context(request),
        "title": _("Audit log"),
        "filters": filters,
        "rows": rows_for(page.object_list),
        "page": page,
        "show_object": True,
        "query": query.urlencode(),
    }
    request.current_app = site.name
    return TemplateResponse(request, "admin/audit/log.html", context)
