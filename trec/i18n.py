"""Content that people write (event titles, community descriptions, survey questions)
may carry a Spanish version in a sibling field named ``<field>_es``. Pages show it to
Spanish readers when it is filled in and fall back to English otherwise; the element that
shows the English fallback says so with lang="en" (`fallback_lang`), so screen readers
switch voice and browsers hyphenate it as English."""

from decimal import Decimal

from django.utils import translation


def _wants_spanish(language: str | None) -> bool:
    language = language or translation.get_language() or ""
    return language.split("-")[0] == "es"


def _spanish(obj, field: str) -> str:
    spanish = getattr(obj, f"{field}_es", "")
    return spanish if spanish and spanish.strip() else ""


def localized(obj, field: str, language: str | None = None) -> str:
    """`obj.<field>_es` when the active (or given) language is Spanish and the Spanish
    version is not blank, else `obj.<field>`."""
    if _wants_spanish(language) and _spanish(obj, field):
        return getattr(obj, f"{field}_es")
    return getattr(obj, field)


def localized_text(english: str, spanish: str | None, language: str | None = None) -> str:
    """`localized` for two stored strings (a snapshot's row, not a model instance)."""
    if _wants_spanish(language) and spanish and spanish.strip():
        return spanish
    return english


def fallback_lang_text(english: str, spanish: str | None, language: str | None = None) -> str:
    """`fallback_lang` for two stored strings."""
    if _wants_spanish(language) and not (spanish and spanish.strip()) and english:
        return "en"
    return ""


def fallback_lang(obj, field: str, language: str | None = None) -> str:
    """The code "en" when a Spanish reader is shown the English `field` (there is no Spanish
    version and the English one is not empty), else ""."""
    if _wants_spanish(language) and not _spanish(obj, field) and getattr(obj, field, ""):
        return "en"
    return ""


def plural_number(quantity) -> int:
    """The whole number to hand gettext's plural rule (ngettext, {% blocktranslate count %})
    for a quantity that may have decimals, like PD hours: the quantity itself when it is
    whole ("1 clock hour", "3 horas reloj"), else 2, so "1.5 hours" and "0.25 horas" take
    the plural form as English and Spanish write them."""
    value = Decimal(str(quantity or 0))
    return int(value) if value == value.to_integral_value() else 2
