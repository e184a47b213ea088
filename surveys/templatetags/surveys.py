"""{% event_feedback_summary event as feedback %}: the feedback an event collected, for
its roster page in the back office."""

from django import template

from surveys.reports import event_feedback_summary as summary_for

register = template.Library()


@register.simple_tag
def event_feedback_summary(event):
    return summary_for(event) if event is not None else None
