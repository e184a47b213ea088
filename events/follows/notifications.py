"""The alert e-mail (autodiscovered by the outbox): new listings that matched an
educator's saved searches and follows during one period, grouped by search, each group
with its own one-click unsubscribe link."""

from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext

from trec.mail import absolute_url
from trec.notifications.registry import NotificationKind, Outgoing, Skip, register

from .selectors import alert_items
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
        items = alert_items(notifications)
        for notification in notifications:
            notification.items = items[notification.pk]

    def check(self, notification):
        super().check(notification)
        # Listings withdrawn, and searches stopped, since the match are left out.
        if not notification.items:
            raise Skip("No matching listing is still published.")

    def compose(self, notification):
        groups = {}
        for search, event in notification.items:
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
                {"event": event, "url": absolute_url(event.get_absolute_url())}
            )
        count = len({event.pk for _search, event in notification.items})
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
