"""Content that people write (event titles, community descriptions, survey questions)
may carry a Spanish version in a sibling field named ``<field>_es``. Pages show it to
Spanish readers when it is filled in and fall back to English otherwise."""

from django.utils import translation


def localized(obj, field: str, language: str | None = None) -> str:
    """`obj.<field>_es` when the active (or given) language is Spanish and the Spanish
    version is not blank, else `obj.<field>`."""
    language = language or translation.get_language() or ""
    if language.split("-")[0] == "es":
        spanish = getattr(obj, f"{field}_es", "")
        if spanish and spanish.strip():
            return spanish
    return getattr(obj, field)
