from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message to one person: the outbox row and, once sent, its log entry.

    The key (recipient, kind, subject object, window) is unique, so asking twice for
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

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    # Not a choices field: kinds live in a registry (trec.notifications.registry), so
    # an app that adds a kind needs no migration here.
    kind = models.CharField(_("kind"), max_length=50)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("about (type)")
    )
    object_id = models.PositiveBigIntegerField(_("about (id)"))
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
                name="notification_once_per_key",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "enqueued_at"], name="notification_sweep"),
            models.Index(fields=["kind", "status", "created_at"], name="notification_kind_status"),
            models.Index(fields=["content_type", "object_id"], name="notification_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id} ({self.get_status_display()})"

    @property
    def key(self) -> str:
        return (
            f"{self.kind}:{self.content_type_id}:{self.object_id}:{self.window}:{self.recipient_id}"
        )
