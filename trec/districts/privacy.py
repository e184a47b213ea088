"""Transcript shares with a district, and every time a district looked (trec.privacy)."""

from trec import privacy

from .models import DistrictAccess, DistrictPartner, TranscriptShare


@privacy.section("district_shares", order=170)
def shares(user) -> list[dict]:
    return [
        privacy.record(
            district=share.district.name, shared=share.shared_at, stopped=share.revoked_at
        )
        for share in TranscriptShare.objects.filter(user=user)
        .select_related("district")
        .order_by("shared_at")
    ]


@privacy.section("district_accesses", order=180)
def accesses(user) -> list[dict]:
    return [
        privacy.record(
            district=access.district.name,
            action=access.action,
            by=str(access.viewer or ""),
            at=access.at,
        )
        for access in DistrictAccess.objects.filter(educator=user)
        .select_related("district", "viewer")
        .order_by("at")
    ]


@privacy.eraser()
def stop_sharing(user, *, now) -> None:
    """A shared transcript stops being shared, and a district lead's role ends."""
    TranscriptShare.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    DistrictPartner.objects.filter(user=user).delete()
