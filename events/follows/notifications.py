"""The alert e-mail (autodiscovered by the outbox): new listings that matched an
educator's saved searches and follows during one period, grouped by search, each group
with its own unsubscribe link; the message's List-Unsubscribe header (RFC 8058 one-click,
trec.notifications.unsubscribe) stops the searches it is about."""

from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy, ngettext

from trec.mail import absolute_url
from trec.notifications.registry import NotificationKind, Outgoing, Skip, register
from trec.notifications.unsubscribe import scoped_token, token_url

from .models import SavedSearch
from .selectors import alert_items
from .services import ALERT_KIND, saved_searches_stop


@register
class SavedSearchAlert(NotificationKind):
    code = ALERT_KIND
    label = gettext_lazy("New listings for saved searches and follows")
    # Asked for search by search, so stopped search by search (unsubscribe_scope), not
    # by a preference.
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
                    "unsubscribe_url": token_url(
                        scoped_token(self, notification.recipient_id, [search.pk])
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

    def unsubscribe_scope(self, notification):
        """The List-Unsubscribe link stops every search this e-mail is about (one, most
        often); each group's own link stops just its search."""
        return sorted({search.pk for search, _event in getattr(notification, "items", [])})

    def unsubscribe_label(self, user_id, scope):
        searches = SavedSearch.objects.filter(user_id=user_id, pk__in=scope).select_related(
            "grade_band", "topic", "provider"
        )
        labels = "; ".join(search.label for search in searches)
        if not labels:
            return str(self.label)
        return gettext("New listings for %(searches)s") % {"searches": labels}

    def unsubscribe(self, user_id, scope):
        return saved_searches_stop(user_id=user_id, ids=scope)
