"""The messages the hub sent or will send an educator (trec.privacy)."""

from trec import privacy

from .models import Notification


@privacy.section("notifications", order=120)
def notifications(user) -> list[dict]:
    rows = Notification.objects.filter(recipient=user).order_by("created_at", "pk")
    return [
        privacy.record(
            kind=row.kind, status=row.get_status_display(), created=row.created_at, sent=row.sent_at
        )
        for row in rows
    ]


# Last: giving places up may have queued a message to them ("your seat is cancelled").
@privacy.eraser(order=privacy.SCRUB + 40)
def drop_unsent(user, *, now) -> None:
    Notification.objects.filter(recipient=user).exclude(status=Notification.Status.SENT).delete()
