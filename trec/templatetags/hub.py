import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from trec.formats import date_phrase, quantity_text
from trec.i18n import fallback_lang, localized, plural_number
from trec.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    """{{ event.description|markdown }}: rendered and sanitised (nh3), safe to output."""
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3 above


@register.filter(name="iso")
def iso_filter(value) -> str:
    """<time datetime="{{ post.created_at|iso }}">: an ISO 8601 date and time to the
    second in the hub's time zone, as HTML's datetime attribute accepts it (Django's
    |date:"c" adds microseconds, which the attribute does not allow)."""
    if not isinstance(value, datetime.datetime):
        return value.isoformat() if isinstance(value, datetime.date) else ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.isoformat(timespec="seconds")


@register.simple_tag(takes_context=True)
def query_transform(context, **kwargs) -> str:
    """The current query string with some parameters replaced (None or '' removes one)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter(name="tr")
def tr_filter(obj, field: str) -> str:
    """{{ event|tr:"title" }}: the Spanish version for Spanish readers when there is one
    (``title_es``), else the English field. Chain it: {{ event|tr:"description"|markdown }}."""
    return localized(obj, field)


@register.filter(name="lang_of")
def lang_of_filter(obj, field: str) -> str:
    """<h1{{ event|lang_of:"title" }}>: ` lang="en"` on the element when a Spanish reader
    gets the English text of `field` (no Spanish version yet), else nothing."""
    language = fallback_lang(obj, field)
    return format_html(' lang="{}"', language) if language else ""


@register.filter(name="quantity")
def quantity_filter(value) -> str:
    """{{ certificate.hours|quantity }}: "2.5", "3"."""
    return quantity_text(value)


@register.filter(name="plural_number")
def plural_number_filter(quantity) -> int:
    """{% blocktranslate count n=event.pd_hours|plural_number %}: see trec.i18n."""
    return plural_number(quantity)


@register.filter(name="date_phrase", expects_localtime=True)
def date_phrase_filter(value, style: str = "date") -> str:
    """{{ event.starts_at|date_phrase:"weekday_date_time" }}: see trec.formats for the
    styles ("jueves, 28 de enero de 2027, 4:00 p. m." for Spanish readers)."""
    return date_phrase(value, style)
