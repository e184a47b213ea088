"""Coordinators hear about listings to review: an e-mail for each submission, or, for
those who chose it (``User.review_digest``), one digest a day listing the day's
submissions. Both go through the outbox; the digest's key (coordinator, day) makes it
once a day however often the beat task runs."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from trec.accounts.roles import coordinator_ids
from trec.notifications import services as notifications
from trec.notifications.kinds import stamp

from .models import Event
from .notifications import ListingSubmitted, ReviewDigest
from .review import submitted_on


def _coordinators(*, digest: bool) -> list[int]:
    ids = coordinator_ids()
    chosen = get_user_model().objects.filter(pk__in=ids, review_digest=True)
    daily = set(chosen.values_list("pk", flat=True))
    return sorted(daily if digest else ids - daily)


def submission_notify(*, event: Event) -> list[int]:
    """A listing newly awaits review: the coordinators who want each one hear now."""
    window = stamp(event.submitted_at or event.updated_at)
    rows = [(user_id, event.pk, window) for user_id in _coordinators(digest=False)]
    return notifications.notifications_enqueue_many(
        kind=ListingSubmitted.code, model=Event, rows=rows
    )


def digest_day(now: datetime.datetime | None = None) -> datetime.date:
    """The day a digest sent now covers: the local day that just ended."""
    return timezone.localdate(now or timezone.now()) - datetime.timedelta(days=1)


@transaction.atomic
def digest_enqueue(*, now: datetime.datetime | None = None) -> int:
    """One digest per coordinator who chose it, for the day that just ended (none is
    sent for a day without submissions: the kind skips it). Returns the rows queued."""
    day = digest_day(now)
    if not submitted_on(day).exists():
        return 0
    User = get_user_model()
    rows = [(user_id, user_id, day.isoformat()) for user_id in _coordinators(digest=True)]
    return len(
        notifications.notifications_enqueue_many(kind=ReviewDigest.code, model=User, rows=rows)
    )


def review_mail_choose(*, user, digest: bool) -> None:
    """A coordinator chooses an e-mail per submission (False) or a daily digest (True)."""
    user.review_digest = digest
    user.save(update_fields=["review_digest"])
