"""One-click unsubscribe (RFC 8058) for the hub's optional mail.

Every message a person may switch off carries ``List-Unsubscribe`` with a signed link
and ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``: a mail client POSTs to the
link and the switch is off, no sign-in needed (the signature is the proof). For an
account it is the kind's preference (reminders, updates, the digest) or, for a kind
switched off piece by piece, what its ``unsubscribe_scope`` names (the saved searches an
alert is about; the kind does the stopping); for a bare address, every optional message
to it. Transactional mail (confirmations, password
resets, school-visit steps) carries no such header.
"""

from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse

from trec.mail import absolute_url

from .models import Notification, Unsubscribed
from .registry import NotificationKind, UnknownKind, get_kind

SALT = "trec.notifications.unsubscribe"


def can_unsubscribe(notification: Notification, kind: NotificationKind) -> bool:
    if notification.recipient_id:
        return bool(kind.preference or kind.unsubscribe_scope(notification))
    return kind.optional


def unsubscribe_token(notification: Notification, kind: NotificationKind) -> str:
    scope = kind.unsubscribe_scope(notification) if notification.recipient_id else None
    if scope:
        return scoped_token(kind, notification.recipient_id, scope)
    if notification.recipient_id:
        payload = {"u": notification.recipient_id, "p": kind.preference}
    else:
        payload = {"e": notification.email.lower()}
    return signing.dumps(payload, salt=SALT, compress=True)


def scoped_token(kind: NotificationKind, user_id: int, scope: list[int]) -> str:
    """A link that stops just `scope` of `kind` for that account (e.g. one saved search:
    the per-search links inside an alert e-mail)."""
    payload = {"u": user_id, "k": kind.code, "s": sorted(scope)}
    return signing.dumps(payload, salt=SALT, compress=True)


def token_url(token: str) -> str:
    return absolute_url(reverse("notifications:unsubscribe", args=[token]))


def unsubscribe_url(notification: Notification, kind: NotificationKind) -> str:
    return token_url(unsubscribe_token(notification, kind))


def scoped_kind(payload: dict) -> NotificationKind | None:
    """The kind a scoped link belongs to (None for a preference or an address)."""
    try:
        return get_kind(payload["k"]) if "k" in payload else None
    except UnknownKind:
        return None


def read_token(token: str) -> dict | None:
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    if {"u", "k", "s"} <= payload.keys():
        scoped = isinstance(payload["s"], list) and scoped_kind(payload) is not None
        return payload if scoped else None
    return payload if {"u", "p"} <= payload.keys() or "e" in payload else None


PREFERENCES = {"notify_reminders", "notify_updates", "notify_digest"}


def unsubscribe(payload: dict) -> bool:
    """Switch the mail off; True when something was switched off (idempotent)."""
    if "e" in payload:
        _row, created = Unsubscribed.objects.get_or_create(email=payload["e"])
        return created
    if "k" in payload:
        return scoped_kind(payload).unsubscribe(payload["u"], payload["s"])
    if payload["p"] not in PREFERENCES:
        return False
    users = get_user_model().objects.filter(pk=payload["u"]).exclude(**{payload["p"]: False})
    return bool(users.update(**{payload["p"]: False}))


def is_unsubscribed(email: str) -> bool:
    return Unsubscribed.objects.filter(email=email.lower()).exists()
