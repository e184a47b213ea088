from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message to one person: the outbox row and, once sent, its log entry.

    The recipient is an account, or a bare address for people without one (a school's
    contact, the person a gratitude post thanks); ``email`` also redirects an account's
    message to another address (allauth confirming a new address). ``language`` is the
    language to write in; empty means the account's preference.

    The key (recipient or address, kind, subject object, window) is unique, so asking twice for
    the same message (a re-run beat task, a retried request, two workers) finds the
    row that is already there instead of writing a second one. ``window`` tells apart
    messages that may legitimately repeat for the same object: the reminder offset
    ("7d", "1d", "1h"), the moment a registration was confirmed, an ISO week.

    A row is sent at most by one worker at a time (row lock, skip locked) and is
    marked sent only after the mail backend accepted the message.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        # Handed to the mail server, its answer not recorded yet (see delivery.py).
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    # No index of its own on either foreign key: the outbox key notification_once_per_key
    # begins with the recipient (and `recipient_id = x` implies its condition), the index
    # notification_subject with the content type. Each index is written for every row of
    # a fan-out (63,000 at once for the alerts).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        db_index=False,
    )
    email = models.EmailField(
        _("address"), blank=True, help_text=_("Sent here instead of the account's address.")
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    # Not a choices field: kinds live in a registry (trec.notifications.registry), so
    # an app that adds a kind needs no migration here.
    kind = models.CharField(_("kind"), max_length=50)
    # What the message is about; none for an account e-mail to an address without an
    # account (allauth's "no account here" answer to a password reset).
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("about (type)"),
        null=True,
        blank=True,
        db_index=False,
    )
    object_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    window = models.CharField(_("window"), max_length=40, blank=True, default="")
    data = models.JSONField(
        _("details"), default=dict, blank=True, help_text=_("Extra context, e.g. a reason.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    # When a task for this row was last handed to the broker (NULL: never, e.g. Redis
    # was down). The sweep re-enqueues pending rows whose hand-off is older than a minute.
    enqueued_at = models.DateTimeField(_("enqueued"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications (outbox)")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "content_type", "object_id", "window"],
                condition=models.Q(recipient__isnull=False),
                name="notification_once_per_key",
            ),
            models.UniqueConstraint(
                fields=["email", "kind", "content_type", "object_id", "window"],
                condition=models.Q(recipient__isnull=True),
                name="notification_once_per_address",
            ),
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False) | ~models.Q(email=""),
                name="notification_has_an_address",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "enqueued_at"], name="notification_sweep"),
            models.Index(fields=["kind", "status", "created_at"], name="notification_kind_status"),
            models.Index(fields=["content_type", "object_id"], name="notification_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id or self.email} ({self.get_status_display()})"

    @property
    def key(self) -> str:
        who = self.recipient_id or self.email
        return f"{self.kind}:{self.content_type_id}:{self.object_id}:{self.window}:{who}"

    @property
    def address(self) -> str:
        """Where the message goes."""
        return self.email or (self.recipient.email if self.recipient_id else "")


class StaffMessage(models.Model):
    """What staff wrote to the people of an event or a community, to whom: the log each
    event and community keeps. Each recipient's copy is an outbox row about this one."""

    class Audience(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed registrants")
        WAITING = "waiting", _("People on the waiting list or awaiting approval")
        ATTENDED = "attended", _("People who attended")
        ALL = "all", _("Everyone registered, waiting or awaiting approval")
        TEST = "test", _("A test to myself")

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("about (type)")
    )
    object_id = models.PositiveBigIntegerField(_("about (id)"))
    about = GenericForeignKey("content_type", "object_id")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("sender"),
    )
    audience = models.CharField(
        _("audience"), max_length=12, choices=Audience.choices, default=Audience.ALL
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), help_text=_("Markdown: *emphasis*, lists, links."))
    reply_to = models.EmailField(_("replies go to"), blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    # Each recipient's copy in the outbox (what was sent to whom, and whether it went).
    copies = GenericRelation(Notification, related_query_name="staff_message")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message from staff")
        verbose_name_plural = _("messages from staff")
        indexes = [models.Index(fields=["content_type", "object_id"], name="staffmessage_about")]

    def __str__(self) -> str:
        return self.subject


class Unsubscribed(models.Model):
    """An address without an account that asked for no more of the hub's optional mail
    (the one-click List-Unsubscribe link of, e.g., a gratitude thank-you)."""

    email = models.EmailField(_("address"), unique=True)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("unsubscribed address")
        verbose_name_plural = _("unsubscribed addresses")

    def __str__(self) -> str:
        return self.email
