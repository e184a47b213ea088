"""Writes for on-site requests: a school asks, the provider schedules (which books a
private event on its calendar), then marks it done, or declines with a reason.

Every transition is one transaction that locks the request row (`select_for_update`),
refuses a step that does not follow from the current status, logs a RequestUpdate and
writes the requester's e-mail to the notifications outbox in the same transaction (to
their bare address, in the language they used), sent by the workers once it commits.
Provider staff and coordinators hear of a new request through the outbox as well
(providers.notifications).
"""

from __future__ import annotations

import datetime
import logging

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from events.models import Event, EventSession
from events.services import event_saved
from trec.accounts.models import District
from trec.accounts.roles import coordinator_ids
from trec.notifications.models import Notification
from trec.notifications.services import (
    notification_enqueue,
    notifications_enqueue_many,
    notifications_resend,
)

from .models import (
    Offering,
    OfferingDuration,
    Provider,
    ProviderMembership,
    RequestUpdate,
    SessionRequest,
)
from .notifications import NewSessionRequest, RequesterUpdate

logger = logging.getLogger(__name__)

Status = SessionRequest.Status


class FormAlreadySent(Exception):
    """This request form (its stamp token) has filed a request already."""


class TransitionRefused(ValidationError):
    """The request is not in a status this step may start from."""


def _lock(session_request: SessionRequest) -> SessionRequest:
    return SessionRequest.objects.select_for_update().get(pk=session_request.pk)


def _refuse(locked: SessionRequest, action: str) -> TransitionRefused:
    return TransitionRefused(
        _("This request is %(status)s: it cannot be %(action)s.")
        % {"status": locked.get_status_display().lower(), "action": action},
        code="status",
    )


def _log(
    locked: SessionRequest, *, by=None, note: str = "", status: str | None = None
) -> RequestUpdate:
    update = RequestUpdate.objects.create(
        request=locked, status=status or locked.status, note=note, by=by
    )
    notification_enqueue(
        kind=RequesterUpdate.code,
        subject=update,
        email=locked.contact_email,
        language=locked.language or "en",
    )
    return update


# --- Transitions -----------------------------------------------------------------------


@transaction.atomic
def request_submit(
    *,
    provider: Provider,
    offering: Offering,
    duration: OfferingDuration,
    school_name: str,
    district: District | None,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    audience_size: int,
    preferred_dates: list[tuple[datetime.date, str]],
    notes: str = "",
    language: str = "en",
    submitted_by=None,
    form_token: str | None = None,
) -> SessionRequest:
    """A school's request for one of the provider's active offerings. The requester is
    e-mailed a receipt with the private status link; the provider's staff and the
    coordinators get it in their queue and hear about it through the outbox.
    `form_token` (the form's stamp token) files one request per form shown: a second
    request with it raises FormAlreadySent."""
    if offering.provider_id != provider.pk or not offering.is_active:
        raise ValidationError(_("This offering is not taking requests."), code="offering")
    if duration.offering_id != offering.pk:
        raise ValidationError(_("Choose a length this offering comes in."), code="duration")
    if not preferred_dates:
        raise ValidationError(_("Give at least one preferred date."), code="dates")
    session_request = SessionRequest(
        provider=provider,
        offering=offering,
        duration=duration,
        school_name=school_name.strip(),
        district=district,
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip(),
        contact_phone=contact_phone.strip(),
        audience_size=audience_size,
        preferred_dates=[
            {"date": day.isoformat(), "time_of_day": time_of_day}
            for day, time_of_day in preferred_dates
        ],
        notes=notes.strip(),
        language=(language or "en").split("-")[0],
        submitted_by=submitted_by if getattr(submitted_by, "is_authenticated", False) else None,
        form_token=form_token or None,
    )
    session_request.full_clean(exclude=["form_token"])
    try:
        with transaction.atomic():
            session_request.save()
    except IntegrityError:
        if form_token and SessionRequest.objects.filter(form_token=form_token).exists():
            raise FormAlreadySent from None
        raise
    _log(session_request, by=session_request.submitted_by)
    _notify_staff(session_request)
    return session_request


def _notify_staff(session_request: SessionRequest) -> None:
    staff = set(
        ProviderMembership.objects.filter(
            provider_id=session_request.provider_id, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    notifications_enqueue_many(
        kind=NewSessionRequest.code,
        model=SessionRequest,
        rows=[(user_id, session_request.pk, "") for user_id in sorted(staff | coordinator_ids())],
    )


@transaction.atomic
def request_schedule(
    *,
    session_request: SessionRequest,
    starts_at: datetime.datetime,
    minutes: int,
    by=None,
    note: str = "",
) -> SessionRequest:
    """Fix the date of a new request: book a private event on the provider's calendar
    (never listed in the catalog) with one session, and tell the requester."""
    locked = _lock(session_request)
    if locked.status != Status.NEW:
        raise _refuse(locked, _("scheduled"))
    if minutes < 5 or minutes > 8 * 60:
        raise ValidationError(_("The length must be between 5 minutes and 8 hours."))
    if starts_at <= timezone.now():
        raise ValidationError(_("Choose a date and time in the future."))
    offering = locked.offering
    provider = locked.provider
    title = _("School visit: %(offering)s at %(school)s") % {
        "offering": offering.title,
        "school": locked.school_name,
    }
    event = Event.objects.create(
        provider=provider,
        title=title[:200],
        slug=f"{slugify(title)[:180]}-{locked.pk}-{locked.token[:6].lower()}",
        summary=(
            _("%(length)s for %(count)s people, requested by %(contact)s.")
            % {
                "length": locked.duration.label,
                "count": locked.audience_size,
                "contact": locked.contact_name,
            }
        )[:300],
        description=locked.notes,
        is_private=True,
        kind=Event.Kind.EVENT,
        format=(
            Event.Format.VIRTUAL
            if offering.format == Offering.Format.VIRTUAL
            else Event.Format.IN_PERSON
        ),
        registration_mode=Event.RegistrationMode.NONE,
        status=Event.Status.PUBLISHED,
        published_at=timezone.now(),
        venue_name=locked.school_name[:200],
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    EventSession.objects.create(
        event=event, starts_at=starts_at, ends_at=starts_at + datetime.timedelta(minutes=minutes)
    )
    event_saved(event=event)
    locked.status = Status.SCHEDULED
    locked.scheduled_start = starts_at
    locked.scheduled_minutes = minutes
    locked.event = event
    locked.save(
        update_fields=["status", "scheduled_start", "scheduled_minutes", "event", "updated_at"]
    )
    _log(locked, by=by, note=note)
    return locked


@transaction.atomic
def request_complete(*, session_request: SessionRequest, by=None, note: str = "") -> SessionRequest:
    """The visit took place."""
    locked = _lock(session_request)
    if locked.status != Status.SCHEDULED:
        raise _refuse(locked, _("marked as done"))
    locked.status = Status.DONE
    locked.save(update_fields=["status", "updated_at"])
    _log(locked, by=by, note=note)
    return locked


@transaction.atomic
def request_decline(*, session_request: SessionRequest, reason: str, by=None) -> SessionRequest:
    """Say no, with a reason the requester reads. A scheduled visit's calendar entry is
    cancelled."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Please give the school a reason."), code="reason")
    locked = _lock(session_request)
    if locked.status not in (Status.NEW, Status.SCHEDULED):
        raise _refuse(locked, _("declined"))
    if locked.event_id:
        Event.objects.filter(pk=locked.event_id).update(
            status=Event.Status.CANCELLED, updated_at=timezone.now()
        )
    locked.status = Status.DECLINED
    locked.decline_reason = reason
    locked.save(update_fields=["status", "decline_reason", "updated_at"])
    _log(locked, by=by, note=reason)
    return locked


def requester_emails_resend(*, session_requests) -> int:
    """Queue again the school e-mails about these requests that failed or were skipped."""
    updates = RequestUpdate.objects.filter(request__in=session_requests).values("pk")
    queued, _busy = notifications_resend(
        notifications=Notification.objects.filter(
            kind=RequesterUpdate.code,
            content_type=ContentType.objects.get_for_model(RequestUpdate),
            object_id__in=updates,
        )
    )
    return queued
