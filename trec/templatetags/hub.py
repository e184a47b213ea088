import datetime

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

from trec.i18n import localized
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
