"""Writes for on-site requests: a school asks, the provider schedules (which books a
private event on its calendar), then marks it done, or declines with a reason.

Every transition is one transaction that locks the request row (`select_for_update`),
refuses a step that does not follow from the current status, logs a RequestUpdate and,
once committed, e-mails the requester. Requesters have no account, so their e-mails
cannot go through the notifications outbox (its recipient is a user); they are sent
like the gratitude wall's notices: a Celery task by id, guarded by the update row's
`emailed_at` under a row lock, so a retried or duplicated task sends once. Provider
staff and coordinators, who do have accounts, hear of a new request through the outbox
(providers.notifications).
"""

from __future__ import annotations

import datetime
import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import Event, EventSession
from events.services import event_saved
from trec.accounts.models import District
from trec.accounts.roles import COORDINATORS_GROUP
from trec.formats import date_phrase
from trec.i18n import localized
from trec.mail import absolute_url, build_message, send_messages
from trec.notifications.services import notifications_enqueue_many

from .models import (
    Offering,
    OfferingDuration,
    Provider,
    ProviderMembership,
    RequestUpdate,
    SessionRequest,
)

logger = logging.getLogger(__name__)

Status = SessionRequest.Status

REQUESTER_SUBJECTS = {
    Status.NEW: gettext_lazy("We received your request: %(offering)s"),
    Status.SCHEDULED: gettext_lazy("Scheduled: %(offering)s on %(date)s"),
    Status.DONE: gettext_lazy("Thank you for hosting %(offering)s"),
    Status.DECLINED: gettext_lazy("About your request: %(offering)s"),
}


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
    transaction.on_commit(lambda pk=update.pk: _enqueue_requester_email(pk), robust=True)
    return update


REQUESTER_EMAIL_GRACE = datetime.timedelta(minutes=5)


def _enqueue_requester_email(update_id: int) -> None:
    """Queue the requester's e-mail; when the broker is down the step still succeeded:
    log it (the update keeps emailed_at empty and can be sent again from the admin)."""
    from .tasks import email_requester

    try:
        email_requester.delay(update_id)
    except Exception:  # noqa: BLE001 - any broker failure must not break the page
        logger.exception("could not queue the e-mail for session request update %s", update_id)


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
    from .notifications import NewSessionRequest

    users = get_user_model().objects.filter(is_active=True)
    staff = set(
        ProviderMembership.objects.filter(
            provider_id=session_request.provider_id, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    coordinators = set(
        users.filter(groups__name=COORDINATORS_GROUP).values_list("pk", flat=True)
    ) | set(users.filter(is_superuser=True).values_list("pk", flat=True))
    notifications_enqueue_many(
        kind=NewSessionRequest.code,
        model=SessionRequest,
        rows=[(user_id, session_request.pk, "") for user_id in sorted(staff | coordinators)],
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


# --- The requester's e-mail -------------------------------------------------------------


def requester_email(*, update_id: int) -> bool:
    """E-mail the requester about one step of their request, in the language they used
    to send it. Idempotent: the row lock and `emailed_at` make a retried or duplicated
    task harmless. Returns whether a message was sent."""
    with transaction.atomic():
        update = (
            RequestUpdate.objects.select_for_update(of=("self",))
            .select_related(
                "request__offering", "request__provider", "request__duration", "request__district"
            )
            .filter(pk=update_id, emailed_at__isnull=True)
            .first()
        )
        if update is None:
            return False
        session_request = update.request
        with translation.override(session_request.language or "en"):
            message = build_message(
                to=session_request.contact_email,
                subject=_requester_subject(update),
                template=f"providers/email/request_{update.status}",
                context={
                    "session_request": session_request,
                    "update": update,
                    "provider": session_request.provider,
                    "offering_title": localized(session_request.offering, "title"),
                    "duration_label": localized(session_request.duration, "label"),
                    "status_url": absolute_url(session_request.status_url()),
                    "provider_url": absolute_url(session_request.provider.get_absolute_url()),
                },
            )
        send_messages([message])
        update.emailed_at = timezone.now()
        update.save(update_fields=["emailed_at"])
    return True


def _requester_subject(update: RequestUpdate) -> str:
    session_request = update.request
    date = date_phrase(session_request.scheduled_start, "date")
    return str(REQUESTER_SUBJECTS[update.status]) % {
        "offering": localized(session_request.offering, "title"),
        "date": date,
    }


def requester_emails_sweep(*, now: datetime.datetime | None = None) -> int:
    """Queue again the requester e-mails still unsent a few minutes after their step (the
    broker was down, or a worker died): run by beat, so a Redis outage only delays them.
    Steps older than a week are left to the admin action rather than surprise anyone."""
    now = now or timezone.now()
    ids = list(
        RequestUpdate.objects.filter(
            emailed_at__isnull=True,
            created_at__lte=now - REQUESTER_EMAIL_GRACE,
            created_at__gt=now - datetime.timedelta(days=7),
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        _enqueue_requester_email(pk)
    return len(ids)


def requester_emails_resend(*, session_requests) -> int:
    """Queue again the requester e-mails that never went out (the broker was down)."""
    ids = list(
        RequestUpdate.objects.filter(
            request__in=session_requests, emailed_at__isnull=True
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        transaction.on_commit(lambda pk=pk: _enqueue_requester_email(pk), robust=True)
    return len(ids)
