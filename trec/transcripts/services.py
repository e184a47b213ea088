"""Writes to the PD-hours ledger and certificates.

The ledger follows attendance: ``transcript_sync_for_event`` and
``transcript_sync_for_meetings`` recompute the rows of one source from the attendance
tables and write only the difference (create, update, delete), so calling them again
changes nothing and unmarking attendance removes the credit. Hours are attended
minutes ÷ 60, rounded to the nearest quarter hour; an event's credit is capped at the
PD hours it offers (an event offering none earns none).
"""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from trec.forms import parse_id

from .models import Certificate, Credit

QUARTER = Decimal("0.25")


def quarter_hours(minutes: float | int | Decimal) -> Decimal:
    """Minutes as hours rounded to the nearest quarter hour (7.5 minutes rounds up)."""
    quarters = (Decimal(minutes) / 15).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return quarters * QUARTER


def _write_source(kind: str, source_ids, desired: dict[tuple[int, int], dict]) -> dict:
    """Make the ledger rows of `kind` for `source_ids` exactly `desired`
    ({(user id, source id): fields}). Returns counts of created/updated/deleted."""
    existing = {
        (credit.user_id, credit.source_id): credit
        for credit in Credit.objects.select_for_update().filter(
            source_kind=kind, source_id__in=list(source_ids)
        )
    }
    stale = [credit.pk for key, credit in existing.items() if key not in desired]
    if stale:
        Credit.objects.filter(pk__in=stale).delete()
    created = updated = 0
    for (user_id, source_id), fields in desired.items():
        credit = existing.get((user_id, source_id))
        if credit is None:
            Credit(user_id=user_id, source_kind=kind, source_id=source_id, **fields).save()
            created += 1
        elif any(getattr(credit, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(credit, name, value)
            credit.save()
            updated += 1
    return {"created": created, "updated": updated, "deleted": len(stale)}


@transaction.atomic
def transcript_sync_for_event(*, event) -> dict:
    """The ledger rows of one event, from its sessions' attendance (events.Attendance):
    one row per educator, hours summed over the sessions they attended, capped at the
    event's PD hours; for an on-demand resource, from verified completions. Idempotent;
    safe to call after every attendance or completion change."""
    from events.models import Attendance, Event

    event = Event.objects.select_for_update().select_related("provider").get(pk=event.pk)
    if event.kind == Event.Kind.ON_DEMAND:
        return _sync_on_demand(event)
    if event.kind == Event.Kind.PROGRAM:
        return _sync_program(event)
    minutes: dict[int, float] = defaultdict(float)
    last_day: dict[int, datetime.date] = {}
    for user_id, starts_at, ends_at in Attendance.objects.filter(session__event=event).values_list(
        "registration__user_id", "session__starts_at", "session__ends_at"
    ):
        minutes[user_id] += (ends_at - starts_at).total_seconds() / 60
        day = timezone.localdate(starts_at)
        last_day[user_id] = max(day, last_day.get(user_id, day))
    desired = {}
    for user_id, total in minutes.items():
        hours = min(quarter_hours(total), event.pd_hours)
        if hours <= 0:
            continue
        desired[(user_id, event.pk)] = {
            "hours": hours,
            "earned_on": last_day[user_id],
            "title": event.title,
            "provider_name": event.provider.name,
            "event_id": event.pk,
        }
    return _write_source(Credit.Source.EVENT, [event.pk], desired)


def _sync_program(event) -> dict:
    """A program's sessions each carry their own PD hours: an educator earns the sum of
    the hours of the sessions they attended (checking in at the desk earns nothing)."""
    from events.models import Attendance

    hours: dict[int, Decimal] = defaultdict(Decimal)
    last_day: dict[int, datetime.date] = {}
    for user_id, session_hours, starts_at in Attendance.objects.filter(
        session__event=event
    ).values_list("registration__user_id", "session__pd_hours", "session__starts_at"):
        hours[user_id] += session_hours
        day = timezone.localdate(starts_at)
        last_day[user_id] = max(day, last_day.get(user_id, day))
    desired = {
        (user_id, event.pk): {
            "hours": total,
            "earned_on": last_day[user_id],
            "title": event.title,
            "provider_name": event.provider.name,
            "event_id": event.pk,
        }
        for user_id, total in hours.items()
        if total > 0
    }
    return _write_source(Credit.Source.EVENT, [event.pk], desired)


def _sync_on_demand(event) -> dict:
    """An on-demand resource has no sessions: a completion its provider verified earns the
    resource's PD hours, on the day it was verified."""
    from events.models import Registration

    desired = {
        (user_id, event.pk): {
            "hours": event.pd_hours,
            "earned_on": timezone.localdate(completed_at),
            "title": event.title,
            "provider_name": event.provider.name,
            "event_id": event.pk,
        }
        for user_id, completed_at in Registration.objects.filter(
            event=event, completed_at__isnull=False
        ).values_list("user_id", "completed_at")
        if event.pd_hours > 0
    }
    return _write_source(Credit.Source.ON_DEMAND, [event.pk], desired)


@transaction.atomic
def transcript_sync_for_meetings(*, meetings) -> dict:
    """The ledger rows of Community of Practice meetings, from their attendance: one row
    per attended meeting, its duration in quarter hours. Idempotent."""
    from communities.models import MeetingAttendance

    meetings = {meeting.pk: meeting for meeting in meetings}
    desired = {}
    for membership_user, meeting_id in MeetingAttendance.objects.filter(
        meeting_id__in=list(meetings)
    ).values_list("membership__user_id", "meeting_id"):
        meeting = meetings[meeting_id]
        community = meeting.community
        desired[(membership_user, meeting_id)] = {
            "hours": quarter_hours(meeting.duration_minutes),
            "earned_on": timezone.localdate(meeting.starts_at),
            "title": f"{community.title}: {meeting.title}",
            "provider_name": community.partner.name if community.partner else settings.HUB_NAME,
            "community_id": community.pk,
        }
    return _write_source(Credit.Source.MEETING, meetings.keys(), desired)


@transaction.atomic
def transcript_sync_for_presenting(*, proposal_ids, desired: dict) -> dict:
    """The "presenter" rows of these proposals (events.proposals computes who earns what:
    {(user id, proposal id): {hours, earned_on, title, provider_name, event_id}}).
    Idempotent, like the other sources."""
    return _write_source(Credit.Source.PRESENTER, proposal_ids, desired)


@transaction.atomic
def credit_add_manual(
    *, user, hours: Decimal, earned_on: datetime.date, title: str, reason: str, created_by
) -> Credit:
    """A coordinator credits hours the hub could not record itself; the reason and the
    coordinator are kept with the row."""
    if not reason.strip():
        raise ValidationError(_("Say why these hours are added."))
    credit = Credit(
        user=user,
        source_kind=Credit.Source.MANUAL,
        hours=hours,
        earned_on=earned_on,
        title=title,
        provider_name=settings.HUB_NAME,
        reason=reason.strip(),
        created_by=created_by,
    )
    credit.full_clean()
    credit.save()
    return credit


# --- Certificates ---------------------------------------------------------------------


def _credits_for(user, kind: str, key: str):
    credits = Credit.objects.filter(user=user)
    if kind == Certificate.Kind.EVENT:
        return credits.filter(source_kind=Credit.Source.EVENT, event_id=key)
    if kind == Certificate.Kind.COMMUNITY:
        return credits.filter(source_kind=Credit.Source.MEETING, community_id=key)
    if kind == Certificate.Kind.PRESENTED:
        return credits.filter(source_kind=Credit.Source.PRESENTER, source_id=key)
    return credits.filter(school_year=key)


def _recipient_name(user) -> str:
    return user.get_full_name() or user.email.split("@")[0]


@transaction.atomic
def certificate_issue(*, user, kind: str, key: str) -> Certificate:
    """The certificate for one event, one community year or one school year of `user`.

    Asking again returns the same certificate while the hours are unchanged; when they
    changed (another meeting attended), the old one is revoked as superseded and a new
    one issued, so a code never vouches for out-of-date hours.
    """
    key = str(key)
    if kind in (Certificate.Kind.EVENT, Certificate.Kind.COMMUNITY) and parse_id(key) is None:
        raise ValidationError(_("There are no hours on your transcript for this yet."))
    summary = (
        _credits_for(user, kind, key)
        .order_by()
        .aggregate(hours=Sum("hours"), first=Min("earned_on"), last=Max("earned_on"))
    )
    if not summary["hours"]:
        raise ValidationError(_("There are no hours on your transcript for this yet."))
    current = (
        Certificate.objects.select_for_update()
        .filter(user=user, kind=kind, subject_key=key, revoked_at__isnull=True)
        .first()
    )
    if current is not None and current.hours == summary["hours"]:
        return current
    if current is not None:
        current.revoked_at = timezone.now()
        current.revoked_reason = _("Replaced by a certificate with updated hours.")
        current.save(update_fields=["revoked_at", "revoked_reason"])
    title, issuer = _subject(user, kind, key)
    return Certificate.objects.create(
        user=user,
        kind=kind,
        subject_key=key,
        recipient_name=_recipient_name(user),
        title=title,
        issuer=issuer,
        hours=summary["hours"],
        first_date=summary["first"],
        last_date=summary["last"],
    )


def _subject(user, kind: str, key: str) -> tuple[str, str]:
    if kind in (Certificate.Kind.EVENT, Certificate.Kind.PRESENTED):
        credit = _credits_for(user, kind, key).first()
        return credit.title, credit.provider_name
    if kind == Certificate.Kind.COMMUNITY:
        from communities.models import Community

        community = Community.objects.select_related("partner").get(pk=key)
        issuer = settings.HUB_NAME
        if community.partner:
            issuer = f"{settings.HUB_NAME} · {community.partner.name}"
        return f"{community.title} ({community.school_year})", issuer
    return _("Professional learning, school year %(year)s") % {"year": key}, settings.HUB_NAME


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str, revoked_by) -> Certificate:
    """A coordinator revokes a certificate; its public page then says so."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is None:
        certificate.revoked_at = timezone.now()
        certificate.revoked_reason = reason.strip()
        certificate.revoked_by = revoked_by
        certificate.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    return certificate
