"""One-click unsubscribe (RFC 8058) for the hub's optional mail.

Every message a person may switch off carries ``List-Unsubscribe`` with a signed link
and ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``: a mail client POSTs to the
link and the switch is off, no sign-in needed (the signature is the proof). For an
account it is the kind's preference (reminders, updates, the digest); for a bare
address, every optional message to it. Transactional mail (confirmations, password
resets, school-visit steps) carries no such header.
"""

from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse

from trec.mail import absolute_url

from .models import Notification, Unsubscribed
from .registry import NotificationKind

SALT = "trec.notifications.unsubscribe"


def can_unsubscribe(notification: Notification, kind: NotificationKind) -> bool:
    if notification.recipient_id:
        return bool(kind.preference)
    return kind.optional


def unsubscribe_token(notification: Notification, kind: NotificationKind) -> str:
    if notification.recipient_id:
        payload = {"u": notification.recipient_id, "p": kind.preference}
    else:
        payload = {"e": notification.email.lower()}
    return signing.dumps(payload, salt=SALT, compress=True)


def unsubscribe_url(notification: Notification, kind: NotificationKind) -> str:
    token = unsubscribe_token(notification, kind)
    return absolute_url(reverse("notifications:unsubscribe", args=[token]))


def read_token(token: str) -> dict | None:
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return (
        payload
        if isinstance(payload, dict) and ({"u", "p"} <= payload.keys() or "e" in payload)
        else None
    )


PREFERENCES = {"notify_reminders", "notify_updates", "notify_digest"}


def unsubscribe(payload: dict) -> bool:
    """Switch the mail off; True when something was switched off (idempotent)."""
    if "e" in payload:
        _row, created = Unsubscribed.objects.get_or_create(email=payload["e"])
        return created
    if payload["p"] not in PREFERENCES:
        return False
    users = get_user_model().objects.filter(pk=payload["u"]).exclude(**{payload["p"]: False})
    return bool(users.update(**{payload["p"]: False}))


def is_unsubscribed(email: str) -> bool:
    return Unsubscribed.objects.filter(email=email.lower()).exists()
