"""The alert e-mail (autodiscovered by the outbox): new listings that matched an
educator's saved searches and follows during one period, grouped by search, each group
with its own one-click unsubscribe link."""

from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext

from events.models import Event
from trec.mail import absolute_url
from trec.notifications.registry import NotificationKind, Outgoing, Skip, register

from .models import AlertMatch
from .services import ALERT_KIND, unsubscribe_token


@register
class SavedSearchAlert(NotificationKind):
    code = ALERT_KIND
    label = gettext_lazy("New listings for saved searches and follows")
    # Asked for search by search; each e-mail group has its own unsubscribe link.
    preference = None
    subject_model = "accounts.User"
    template = "follows/email/alert"

    def load(self, notifications):
        super().load(notifications)
        matches = defaultdict(list)
        rows = (
            AlertMatch.objects.filter(notification__in=[n.pk for n in notifications])
            .select_related(
                "search__grade_band", "search__topic", "search__provider", "event__provider"
            )
            .order_by("search_id", "event__starts_at", "event_id")
        )
        for match in rows:
            matches[match.notification_id].append(match)
        for notification in notifications:
            notification.matches = matches.get(notification.pk, [])

    def check(self, notification):
        super().check(notification)
        # A listing withdrawn since it matched is left out.
        notification.matches = [
            match
            for match in notification.matches
            if match.event.status == Event.Status.PUBLISHED and not match.event.is_private
        ]
        if not notification.matches:
            raise Skip("No matching listing is still published.")

    def compose(self, notification):
        groups = {}
        for match in notification.matches:
            search = match.search
            if search.pk not in groups:
                groups[search.pk] = {
                    "search": search,
                    "catalog_url": absolute_url(search.get_absolute_url()),
                    "unsubscribe_url": absolute_url(
                        reverse("follows:unsubscribe", kwargs={"token": unsubscribe_token(search)})
                    ),
                    "events": [],
                }
            groups[search.pk]["events"].append(
                {"event": match.event, "url": absolute_url(match.event.get_absolute_url())}
            )
        count = len({match.event_id for match in notification.matches})
        subject = ngettext(
            "%(count)d new listing for your saved searches",
            "%(count)d new listings for your saved searches",
            count,
        ) % {"count": count}
        context = {
            "user": notification.recipient,
            "notification": notification,
            "groups": list(groups.values()),
            "manage_url": absolute_url(reverse("follows:list")),
        }
        return Outgoing(subject, context)
