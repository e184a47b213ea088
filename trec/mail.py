"""E-mail the hub's way: a plain subject, a text part and an HTML part from templates,
and a footer link to notification preferences."""

from collections.abc import Iterable
from contextlib import nullcontext

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def build_message(*, to: str, subject: str, template: str, context: dict) -> EmailMultiAlternatives:
    """Render `<template>.txt` and `<template>.html` into one two-part message, in the
    recipient's language when the context names them (``user``)."""
    language = getattr(context.get("user"), "preferred_language", None) or None
    with translation.override(language) if language else nullcontext():
        return _build_message(to=to, subject=subject, template=template, context=context)


def _build_message(*, to: str, subject: str, template: str, context: dict):
    context = {
        "HUB_NAME": settings.HUB_NAME,
        "SITE_URL": settings.SITE_URL,
        "preferences_url": absolute_url(reverse("accounts:profile") + "#notifications"),
        **context,
    }
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[to],
        from_email=settings.DEFAULT_FROM_EMAIL,
    )
    message.attach_alternative(html, "text/html")
    return message


def send_messages(messages: Iterable[EmailMultiAlternatives]) -> int:
    """Send many messages over one reused SMTP connection."""
    messages = list(messages)
    if not messages:
        return 0
    with get_connection() as connection:
        return connection.send_messages(messages) or 0
