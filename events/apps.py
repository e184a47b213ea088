from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, pre_delete
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    label = "events"
    verbose_name = _("Events")

    def ready(self):
        from trec.accounts.models import GradeBand

        from . import services
        from .models import Event, Topic

        # An event's stored topic and grade band ids follow its links, whichever side
        # changes them, and a deleted topic or grade band leaves them
        # (events.services.event_links_sync).
        for through in (Event.topics.through, Event.grade_bands.through):
            m2m_changed.connect(
                services.event_links_changed, sender=through, dispatch_uid=f"events.links:{through}"
            )
        for model in (Topic, GradeBand):
            uid = f"events.links:{model._meta.label}"
            pre_delete.connect(services.links_target_deleting, sender=model, dispatch_uid=uid)
            post_delete.connect(services.links_target_deleted, sender=model, dispatch_uid=uid)
