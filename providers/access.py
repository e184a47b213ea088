"""Who may manage which provider's objects. One place for the rule: coordinators manage
everything; provider staff only what belongs to providers they are members of. Another
provider's object is simply not found (404), never "forbidden"."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import Http404

from trec.accounts.roles import is_coordinator

from .models import Provider


def provider_ids_for(user) -> set[int] | None:
    """The provider ids a back-office user may manage; None means all (coordinators)."""
    if is_coordinator(user):
        return None
    cached = getattr(user, "_provider_ids", None)
    if cached is None:
        cached = set(user.provider_memberships.values_list("provider_id", flat=True))
        user._provider_ids = cached
    return cached


class ProviderScopedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose objects belong to a provider through `provider_path`.

    Provider staff see, change and pick only their own providers' objects; editing
    another provider's object by URL answers 404: the change, delete and history views
    check the object against get_queryset() first.
    """

    provider_path = "provider"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        ids = provider_ids_for(request.user)
        if ids is None:
            return queryset
        return queryset.filter(**{f"{self.provider_path}__in": ids})

    def _ensure_visible(self, request, object_id) -> None:
        # get_object() answers None for an id that is not one ("²", "2026-01-01").
        if object_id and self.get_object(request, unquote(object_id)) is None:
            raise Http404("No such object")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._ensure_visible(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._ensure_visible(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._ensure_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Provider:
            ids = provider_ids_for(request.user)
            if ids is not None:
                kwargs["queryset"] = Provider.objects.filter(pk__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
