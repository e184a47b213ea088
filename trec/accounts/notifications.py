"""Account e-mails through the notifications outbox (autodiscovered by it): allauth's
confirmation, password reset, e-mail change and security notices. The adapter writes
the row (trec.accounts.adapters); the worker renders allauth's own wording for the
message in the recipient's language, inside the hub's layout, as text and HTML."""

import datetime
import uuid

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy

from trec.mail import render_text
from trec.notifications.registry import NotificationKind, Outgoing, register

# What allauth passes that a template may show; everything else (the request, model
# objects) is left out of the stored row.
CONTEXT_KEYS = (
    "activate_url",
    "code",
    "password_reset_url",
    "signup_url",
    "username",
    "from_email",
    "to_email",
    "deleted_email",
    "ip",
    "user_agent",
    "timestamp",
)


def stored_context(context: dict) -> dict:
    stored = {}
    for key in CONTEXT_KEYS:
        value = context.get(key)
        if isinstance(value, datetime.datetime):
            stored[key] = value.isoformat()
        elif value is not None:
            stored[key] = str(value)
    return stored


def new_window() -> str:
    """Every account e-mail is its own message (a second reset link is a new one)."""
    return uuid.uuid4().hex


@register
class AccountEmail(NotificationKind):
    code = "account_email"
    label = gettext_lazy("Account e-mail (confirmation, password reset, changes)")
    preference = None  # needed to use the account: never switched off
    subject_model = "accounts.User"
    template = "account/email/hub_message"
    confidential = True  # confirmation and reset links

    def check(self, notification):
        """Nothing to re-check: the address and links were right when it was asked for
        (an account deleted since takes its rows with it)."""

    def compose(self, notification):
        prefix = notification.data["template"]
        context = dict(notification.data.get("context", {}))
        if "timestamp" in context:
            context["timestamp"] = timezone.localtime(
                datetime.datetime.fromisoformat(context["timestamp"])
            )
        user = notification.recipient
        context |= {
            "notification": notification,
            "user": user,
            "user_display": user.display_name if user else notification.address,
            "email": notification.address,
            "current_site": {"name": settings.HUB_NAME, "domain": settings.SITE_URL},
            "message_template": f"{prefix}_message.txt",
        }
        subject = " ".join(render_text(f"{prefix}_subject.txt", context).split())
        return Outgoing(f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", context)
