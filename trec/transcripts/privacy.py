"""An educator's PD-hour credits and certificates (trec.privacy)."""

from django.utils.translation import gettext

from trec import privacy

from .models import Certificate, Credit


@privacy.section("transcript_credits", order=20)
def credits(user) -> list[dict]:
    return [
        privacy.record(
            title=credit.title,
            offered_by=credit.provider_name,
            hours=credit.hours,
            date=credit.earned_on,
            school_year=credit.school_year,
            source=credit.get_source_kind_display(),
        )
        for credit in Credit.objects.filter(user=user).order_by("earned_on", "pk")
    ]


@privacy.section("certificates", order=30)
def certificates(user) -> list[dict]:
    return [
        privacy.record(
            code=certificate.code,
            awarded_to=certificate.recipient_name,
            title=certificate.title,
            hours=certificate.hours,
            issued=certificate.issued_at,
            revoked=certificate.revoked_at,
        )
        for certificate in Certificate.objects.filter(user=user).order_by("issued_at", "pk")
    ]


@privacy.eraser()
def revoke_certificates(user, *, now) -> None:
    """Credits stay (the report's hours); certificates lose the name and are revoked, so
    the public verification page names no one."""
    Certificate.objects.filter(user=user).update(recipient_name=gettext("Former member"))
    Certificate.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=now, revoked_reason="Account deleted"
    )
