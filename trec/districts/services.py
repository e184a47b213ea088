"""Consent and its log: sharing a transcript with one's district, and recording every
time a district partner opens or exports it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import DistrictAccess, TranscriptShare


@transaction.atomic
def transcript_share_set(*, user, share: bool) -> TranscriptShare | None:
    """Share `user`'s named transcript with their district, or stop sharing it. Returns
    the open share (None after revoking). Sharing needs a district on the profile."""
    open_share = TranscriptShare.objects.select_for_update().filter(
        user=user, revoked_at__isnull=True
    )
    current = open_share.first()
    if not share:
        if current is not None:
            current.revoked_at = timezone.now()
            current.save(update_fields=["revoked_at"])
        return None
    if user.district_id is None:
        raise ValidationError(_("Add your district to your profile first."))
    if current is not None and current.district_id == user.district_id:
        return current
    if current is not None:  # they moved district: the old consent ends
        current.revoked_at = timezone.now()
        current.save(update_fields=["revoked_at"])
    return TranscriptShare.objects.create(user=user, district_id=user.district_id)


def district_access_record(*, partner, educator, action: str) -> DistrictAccess:
    return DistrictAccess.objects.create(
        educator=educator, district=partner.district, viewer=partner.user, action=action
    )
