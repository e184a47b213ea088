from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from events.signals import listing_published


class FollowsConfig(AppConfig):
    name = "events.follows"
    label = "follows"
    verbose_name = _("Follows and alerts")

    def ready(self) -> None:
        from .services import listing_published_receiver  # models are loaded only now

        listing_published.connect(listing_published_receiver, dispatch_uid="follows-match")
