"""The kinds of message the hub sends, and the hooks other apps plug into.

A kind says what a message is about (its subject model), which preference switches
it off, how to tell whether it still applies when the worker picks it up, and what
it says. The outbox, the tasks, the admin and the sweep know nothing else about it,
so a new kind is one class in its app's ``notifications.py``::

    # communities/notifications.py
    from trec.notifications.registry import ReminderKind, Skip, register

    @register
    class MeetingReminder(ReminderKind):
        code = "cop_meeting_reminder"
        label = _("CoP meeting reminder")
        preference = "notify_reminders"
        subject_model = "communities.Meeting"

        def due(self, *, now):  # yields (window, [(recipient_id, meeting_id), ...])
            ...
        def check(self, notification): ...   # raise Skip(...) when it no longer applies
        def compose(self, notification): ... # an Outgoing

The app config autodiscovers ``notifications`` modules, so nothing else changes. The
same goes for the feedback survey a follow-up links to: the surveys app calls
``register_feedback_survey(resolver)`` and follow-ups start linking to its survey.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

    from .models import Notification


class Skip(Exception):  # noqa: N818 - a decision, not an error
    """Raised by a kind when a message no longer applies; the row is marked skipped."""


class UnknownKind(KeyError):
    pass


@dataclass
class Outgoing:
    """What a kind wants to say: a subject line and the template context."""

    subject: str
    context: dict[str, Any]
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)
    reply_to: str = ""
    # A template other than the kind's, e.g. one per step of a request.
    template: str = ""


class NotificationKind:
    code: str = ""
    label: Any = ""
    # The User boolean that switches this kind off, or None for account e-mails that
    # cannot be switched off.
    preference: str | None = None
    # "app_label.ModelName" of the object the message is about.
    subject_model: str = ""
    # Templates `<template>.txt` and `<template>.html`; defaults to notifications/email/<code>.
    template: str = ""
    # Rows whose details hold secrets (a password reset link): not shown in the admin.
    confidential = False
    # To a bare address: whether it is optional mail the address may unsubscribe from
    # (one-click List-Unsubscribe). Account mail is optional when it has a preference.
    optional = False

    def __init__(self) -> None:
        if not self.template:
            self.template = f"notifications/email/{self.code}"

    def __str__(self) -> str:
        return str(self.label)

    def template_names(self) -> list[str]:
        """Every template this kind may render (one unless compose picks one)."""
        return [self.template]

    @property
    def model(self) -> type[Model]:
        return apps.get_model(self.subject_model)

    def subject_queryset(self) -> QuerySet:
        return self.model._default_manager.all()

    def load(self, notifications: list[Notification]) -> None:
        """Fetch what `check` and `compose` need for many rows at once, in a fixed number
        of queries: by default each row's subject object as ``row.subject_obj``."""
        objects = self.subject_queryset().in_bulk({n.object_id for n in notifications})
        for notification in notifications:
            notification.subject_obj = objects.get(notification.object_id)

    def check(self, notification: Notification) -> None:
        """Raise Skip when the message no longer applies (re-read at send time)."""
        if notification.subject_obj is None:
            raise Skip("The object this message was about no longer exists.")

    def compose(self, notification: Notification) -> Outgoing:
        raise NotImplementedError

    # One-click unsubscribe for a kind switched off piece by piece rather than by a
    # preference (the saved searches an alert is about): the ids one click stops.
    def unsubscribe_scope(self, notification: Notification) -> list[int] | None:
        """The ids this message's List-Unsubscribe link stops, or None (the preference)."""
        return None

    def unsubscribe_label(self, user_id: int, scope: list[int]) -> str:
        """What the unsubscribe page says stops, in the reader's language."""
        return str(self.label)

    def unsubscribe(self, user_id: int, scope: list[int]) -> bool:
        """Stop it for that account; True when something was stopped (idempotent)."""
        raise NotImplementedError


class ReminderKind(NotificationKind):
    """A kind the periodic reminder task creates ahead of something dated."""

    preference = "notify_reminders"

    def due(self, *, now: datetime.datetime) -> Iterator[tuple[str, Iterable[tuple[int, int]]]]:
        """Yield (window, [(recipient_id, object_id), ...]) for every reminder that is due
        now and not in the outbox yet; one query per window, whatever the number of rows."""
        raise NotImplementedError


_kinds: dict[str, NotificationKind] = {}


def register(kind_class: type[NotificationKind]) -> type[NotificationKind]:
    """Class decorator: make a kind known to the outbox, the tasks and the admin."""
    kind = kind_class()
    if not kind.code:
        raise ValueError(f"{kind_class.__name__} has no code")
    _kinds[kind.code] = kind
    return kind_class


def get_kind(code: str) -> NotificationKind:
    try:
        return _kinds[code]
    except KeyError:
        raise UnknownKind(code) from None


def all_kinds() -> list[NotificationKind]:
    return list(_kinds.values())


def reminder_kinds() -> list[ReminderKind]:
    return [kind for kind in _kinds.values() if isinstance(kind, ReminderKind)]


def kind_choices() -> list[tuple[str, str]]:
    return sorted(((kind.code, str(kind.label)) for kind in _kinds.values()), key=lambda c: c[1])


# --- Hooks for apps that arrive later ---------------------------------------------

FeedbackResolver = Callable[[Any], "str | None"]
_feedback_resolvers: list[FeedbackResolver] = []


def register_feedback_survey(resolver: FeedbackResolver) -> FeedbackResolver:
    """`resolver(event)` returns the absolute URL of the event's feedback survey, or None.
    Follow-up e-mails link to the first survey a resolver returns, else the event page."""
    if resolver not in _feedback_resolvers:
        _feedback_resolvers.append(resolver)
    return resolver


def feedback_survey_url(event) -> str | None:
    for resolver in _feedback_resolvers:
        url = resolver(event)
        if url:
            return url
    return None
