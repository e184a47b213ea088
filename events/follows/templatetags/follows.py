from django import template

from ..models import SavedSearch
from ..selectors import followed

register = template.Library()


@register.simple_tag
def follows_of(user) -> dict[str, set[int]]:
    """`{% follows_of request.user as follows %}`: what the viewer follows, in one query."""
    return followed(user)


@register.simple_tag
def alert_frequencies():
    """`{% alert_frequencies as choices %}`: how often a saved search may e-mail."""
    return SavedSearch.Frequency.choices


@register.inclusion_tag("follows/_follow_button.html", takes_context=True)
def follow_button(context, follows, *, provider=None, topic=None):
    """A Follow / Following toggle (a POST form) for a provider or a topic."""
    target = provider or topic
    kind = "provider" if provider is not None else "topic"
    return {
        "request": context.get("request"),
        "user": context.get("user"),
        "kind": kind,
        "target": target,
        "following": target.pk in follows[kind],
    }
