"""Invalidation for the cached reads in `trec.cache`: any write to what the catalog facet
counts or the provider directory are computed from bumps their version, so the next
request recomputes them. Connected once, from `TrecConfig.ready()`.

Covered: events (status, kind, format, cost, language, dates, provider), their sessions,
topics and grade bands; topics and grade bands themselves; providers and their topics
and service area. Writes that bypass signals (`QuerySet.update`, `bulk_create`) are
covered by the cached reads' short timeout (settings.CACHED_READS).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from events.models import Event, EventSession, Topic
from providers.models import Provider
from trec.accounts.models import GradeBand

from .cache import bump

CATALOG = "catalog"  # the facet counts
CATALOG_PAGE = "catalog_page"  # the rendered catalog body (events/views.py)
DIRECTORY = "providers"


def _bump_all(sender, **kwargs) -> None:
    if kwargs.get("raw"):  # loaddata
        return
    if sender is not None and kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed: only once the change is made
    bump(CATALOG, CATALOG_PAGE, DIRECTORY)


def connect() -> None:
    for model in (Event, EventSession, Topic, GradeBand, Provider):
        uid = f"trec.cache:{model._meta.label}"
        post_save.connect(_bump_all, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_bump_all, sender=model, dispatch_uid=f"{uid}:delete")
    for through in (
        Event.topics.through,
        Event.grade_bands.through,
        Provider.topics.through,
        Provider.service_area.through,
    ):
        m2m_changed.connect(_bump_all, sender=through, dispatch_uid=f"trec.cache:{through}")
