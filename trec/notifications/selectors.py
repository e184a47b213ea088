"""Reads several pages share."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch

from .models import Notification, StaffMessage


def staff_messages_for(about, *, limit: int = 50) -> list[StaffMessage]:
    """The log of what staff wrote about an event or community, newest first, each with
    its copies (recipient and outcome): three queries whatever the numbers."""
    copies = Notification.objects.select_related("recipient").order_by("recipient__email", "pk")
    return list(
        StaffMessage.objects.filter(
            content_type=ContentType.objects.get_for_model(about), object_id=about.pk
        )
        .select_related("sender")
        .prefetch_related(Prefetch("copies", queryset=copies))[:limit]
    )
