"""Writes to the PD-hours ledger and certificates.

The ledger follows attendance, but it does not read any app's attendance: each app
that knows what earns hours works out the rows of its sources and hands them to
``credits_replace`` (events.attendance for sessions and on-demand completions,
communities for meetings, events.proposals for presenting). Hours are attended minutes
÷ 60, rounded to the nearest quarter hour (``quarter_hours``).
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from trec.audit import Step, audit_record
from trec.forms import parse_id

from .models import Certificate, Credit

QUARTER = Decimal("0.25")


def quarter_hours(minutes: float | int | Decimal) -> Decimal:
    """Minutes as hours rounded to the nearest quarter hour (7.5 minutes rounds up)."""
    quarters = (Decimal(minutes) / 15).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return quarters * QUARTER


@transaction.atomic
def credits_replace(*, source: str, source_ids, desired: dict[tuple[int, int], dict]) -> dict:
    """Make the ledger rows of one kind of source (``Credit.Source``) for ``source_ids``
    exactly ``desired`` ({(user id, source id): fields}): create, update or delete only
    the difference, so calling again changes nothing and taking attendance back removes
    the credit. The apps that know what earns hours call it (events for sessions and
    on-demand completions, communities for meetings, proposals for presenting).
    Returns counts of created/updated/deleted."""
    existing = {
        (credit.user_id, credit.source_id): credit
        for credit in Credit.objects.select_for_update().filter(
            source_kind=source, source_id__in=list(source_ids)
        )
    }
    stale = [credit.pk for key, credit in existing.items() if key not in desired]
    if stale:
        Credit.objects.filter(pk__in=stale).delete()
    created = updated = 0
    for (user_id, source_id), fields in desired.items():
        credit = existing.get((user_id, source_id))
        if credit is None:
            Credit(user_id=user_id, source_kind=source, source_id=source_id, **fields).save()
            created += 1
        elif any(getattr(credit, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(credit, name, value)
            credit.save()
            updated += 1
    return {"created": created, "updated": updated, "deleted": len(stale)}


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
        credit = _credits_for(user, kind, key).select_related("community__partner").first()
        community = credit.community
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
        audit_record(
            obj=certificate,
            step=Step.CERTIFICATE_REVOKE,
            actor=revoked_by,
            changes={"revoked_at": ("", certificate.revoked_at.isoformat(timespec="minutes"))},
            note=certificate.revoked_reason,
        )
    return certificate
