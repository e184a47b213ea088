from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "trec.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # The staff message (kinds.py), then every app's own kinds in its
        # `notifications.py` (events: registrations, reminders...; communities: CoP
        # meetings); both need the models, loaded only now.
        from . import kinds  # noqa: F401

        autodiscover_modules("notifications")
