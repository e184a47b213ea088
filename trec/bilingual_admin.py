"""The back office's tools for Spanish content: English and Spanish fields side by side
(`side_by_side` rows in a fieldset with the "bilingual" class) and the "Spanish text" list
filter that finds what still needs a translation (`missing_spanish`)."""

from functools import reduce
from operator import or_

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

BILINGUAL_CSS = {"all": ["css/admin-bilingual.css"]}


def side_by_side(*fields: str) -> list[tuple[str, str]]:
    """Fieldset rows pairing each English field with its Spanish sibling."""
    return [(field, f"{field}_es") for field in fields]


def bilingual_fieldset(*fields: str) -> tuple:
    """A fieldset with `fields` English beside Spanish, saying what readers see."""
    return (
        _("English and Spanish"),
        {
            "classes": ["bilingual"],
            "fields": side_by_side(*fields),
            "description": _(
                "Spanish readers see the Spanish text when it is filled in and the English "
                "otherwise."
            ),
        },
    )


class MissingSpanishFilter(admin.SimpleListFilter):
    """Rows where a written English text has no Spanish version yet, or none missing."""

    title = _("Spanish text")
    parameter_name = "spanish"
    fields: tuple[str, ...] = ()

    def lookups(self, request, model_admin):
        return [("missing", _("Missing Spanish")), ("complete", _("Spanish complete"))]

    def queryset(self, request, queryset):
        if self.value() not in ("missing", "complete"):
            return queryset
        missing = reduce(
            or_, (~Q(**{field: ""}) & Q(**{f"{field}_es": ""}) for field in self.fields)
        )
        return queryset.filter(missing) if self.value() == "missing" else queryset.exclude(missing)


def missing_spanish(*fields: str) -> type[MissingSpanishFilter]:
    """The list filter for a model whose `fields` each have a `<field>_es` sibling."""
    return type("MissingSpanishFilter", (MissingSpanishFilter,), {"fields": fields})


class BilingualAdminMixin:
    """A ModelAdmin whose `bilingual_fields` come first, English beside Spanish, then
    every other field as before; with the side-by-side styles and the list filter."""

    bilingual_fields: tuple[str, ...] = ()

    class Media:
        css = BILINGUAL_CSS

    def get_fieldsets(self, request, obj=None):
        if self.fieldsets:
            return super().get_fieldsets(request, obj)
        paired = {name for field in self.bilingual_fields for name in (field, f"{field}_es")}
        rest = [field for field in self.get_fields(request, obj) if field not in paired]
        return [bilingual_fieldset(*self.bilingual_fields), (_("Settings"), {"fields": rest})]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), missing_spanish(*self.bilingual_fields)]
