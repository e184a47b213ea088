from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "trec.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # The hub's own kinds, then every app's `notifications.py` (e.g. a future
        # communities/notifications.py registering CoP meeting reminders).
        from . import kinds  # noqa: F401

        autodiscover_modules("notifications")
