"""E-mail the hub's way: a plain subject, a text part and an HTML part from templates,
and a footer link to notification preferences. Messages are built here and sent only
by the outbox (trec.notifications.delivery)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import translation

from trec.formats import date_phrase


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def subject_date(moment) -> str:
    """A date for a subject line in the active language: "January 21, 2027",
    "21 de enero de 2027" (the sentence around it says "on" / "el"). One helper for
    every subject, written by trec.formats like the hub's other dates."""
    return date_phrase(moment, "date")


def render_text(template_name: str, context: dict) -> str:
    """A plain-text template rendered without HTML escaping: a text part reads "<b>" and
    "&", never "&lt;b&gt;" or "&amp;"."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def build_message(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict,
    language: str | None = None,
    reply_to: str = "",
) -> EmailMultiAlternatives:
    """Render `<template>.txt` and `<template>.html` into one two-part message, in
    `language`, else the language of the person the context names (``user``)."""
    language = language or getattr(context.get("user"), "preferred_language", None) or None
    with translation.override(language or translation.get_language()):
        context = {
            "HUB_NAME": settings.HUB_NAME,
            "SITE_URL": settings.SITE_URL,
            "preferences_url": absolute_url(reverse("accounts:profile") + "#notifications"),
            **context,
        }
        text = render_text(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[to],
        from_email=settings.DEFAULT_FROM_EMAIL,
        reply_to=[reply_to] if reply_to else None,
    )
    message.attach_alternative(html, "text/html")
    return message
