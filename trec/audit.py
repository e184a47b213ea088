"""Who did what: the hub's audit trail, kept by django-auditlog.

Two kinds of entry land in the same table (``auditlog.LogEntry``):

- **Edits.** The models listed in ``settings.AUDITLOG_INCLUDE_TRACKING_MODELS`` are
  tracked by auditlog itself: every save records the fields that changed, before and
  after, and the request's person (``AuditActorMiddleware`` below).
- **Steps.** A state change or a staff action (a listing submitted, approved, returned,
  cancelled; a roster check-in; a CoP decision; a certificate revoked) is written by
  the service that makes it, in the same transaction, with ``audit_record(...)``: the
  step's name, the person, and the values before and after. The status fields those
  services own are left out of the automatic tracking, so a step is one entry.

Pages read the trail through ``trec.audit_admin`` (an object's History, the
coordinators' log). This module imports no app.
"""

from auditlog.middleware import AuditlogMiddleware
from auditlog.models import LogEntry
from django.db import models
from django.utils.translation import gettext_lazy as _

from .net import client_ip


class Step(models.TextChoices):
    """The named steps services record (stored in the entry's ``additional_data``)."""

    SUBMIT = "submit", _("Submitted for review")
    APPROVE = "approve", _("Approved and published")
    PUBLISH = "publish", _("Published")
    RETURN = "return", _("Returned to the provider")
    CANCEL = "cancel", _("Cancelled")
    STATUS = "status", _("Status changed")
    CHECK_IN = "check_in", _("Roster check-in")
    CHECK_IN_OVERRIDE = "check_in_override", _("Roster check-in before the start (override)")
    COP_ACCEPT = "cop_accept", _("Community application accepted")
    COP_DECLINE = "cop_decline", _("Community application declined")
    COP_WAITLIST = "cop_waitlist", _("Community application waitlisted")
    CERTIFICATE_REVOKE = "certificate_revoke", _("Certificate revoked")


# Automatic entries: auditlog's own actions, named for people.
EDIT_LABELS = {
    LogEntry.Action.CREATE: _("Created"),
    LogEntry.Action.UPDATE: _("Changed"),
    LogEntry.Action.DELETE: _("Deleted"),
    LogEntry.Action.ACCESS: _("Viewed"),
}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(v) for v in value)
    return str(value)


def audit_record(
    *,
    obj,
    step: str,
    actor=None,
    changes: dict[str, tuple] | None = None,
    note: str = "",
    related=None,
) -> LogEntry:
    """Record a step on `obj`: who (`actor`; in a request, the signed-in person when
    none is given), the values that changed as ``{field: (before, after)}``, and an
    optional note (a return's comment, a revocation's reason). `related` is the object
    whose History should also show the entry (an event, for a roster check-in)."""
    data = {"step": str(step)}
    if note:
        data["note"] = note
    if related is not None:
        data["related"] = f"{related._meta.label_lower}:{related.pk}"
    kwargs = {}
    if actor is not None and getattr(actor, "is_authenticated", False):
        kwargs = {"actor": actor, "actor_email": actor.email}
    return LogEntry.objects.log_create(
        obj,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={field: [_text(old), _text(new)] for field, (old, new) in (changes or {}).items()},
        additional_data=data,
        **kwargs,
    )


class AuditActorMiddleware(AuditlogMiddleware):
    """auditlog's middleware, with the address worked out the hub's one way (trec.net:
    behind the configured number of trusted proxies, never a spoofable header)."""

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request):
        return None

    @staticmethod
    def _get_actor(request):
        # The request's user as it is, still lazy: checking it here would load the
        # session and the account before any view runs, so a database outage would
        # escape the friendly 503 page. An entry written later resolves it (and keeps
        # no actor for an anonymous visitor).
        return getattr(request, "user", None)
