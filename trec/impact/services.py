"""Writes of the impact app: asking for a snapshot, computing it, the nightly refresh.

A snapshot row is updated in place: the figures of its last successful computation
stay readable (the public page keeps working) while a new computation runs, and are
replaced in one UPDATE when it finishes.
"""

import logging
import time

from django.db import DatabaseError, transaction
from django.utils import timezone

from trec.queue import task_enqueue

from . import metrics
from .models import ImpactSnapshot
from .periods import Period

logger = logging.getLogger(__name__)


QUEUE_DOWN = "queue unavailable"


def snapshot_get_or_create(*, period: Period) -> ImpactSnapshot:
    snapshot, _created = ImpactSnapshot.objects.get_or_create(
        period_kind=period.kind,
        period_start=period.start,
        period_end=period.end,
        defaults={"label": period.label},
    )
    return snapshot


def _enqueue(snapshot_id: int) -> None:
    if not task_enqueue("impact.compute_snapshot", snapshot_id):
        ImpactSnapshot.objects.filter(pk=snapshot_id, status=ImpactSnapshot.Status.QUEUED).update(
            status=ImpactSnapshot.Status.FAILED, error=QUEUE_DOWN
        )


@transaction.atomic
def snapshot_request(*, period: Period, requested_by) -> ImpactSnapshot:
    """Ask for `period` to be (re)computed in the background, once the request commits.
    When the queue is down the snapshot says so (status failed, error QUEUE_DOWN)."""
    snapshot = snapshot_get_or_create(period=period)
    snapshot = ImpactSnapshot.objects.select_for_update().get(pk=snapshot.pk)
    snapshot.status = ImpactSnapshot.Status.QUEUED
    snapshot.progress = 0
    snapshot.error = ""
    snapshot.requested_at = timezone.now()
    snapshot.requested_by = requested_by
    snapshot.save(update_fields=["status", "progress", "error", "requested_at", "requested_by"])
    transaction.on_commit(lambda: _enqueue(snapshot.pk))
    return snapshot


def snapshot_compute(*, snapshot_id: int) -> ImpactSnapshot:
    """Compute every figure of the snapshot's period, recording progress as the steps
    complete (each progress update commits on its own, so the dashboard sees it), then
    store the figures and the definitions version in one UPDATE. Idempotent: running it
    twice leaves the same figures."""
    snapshot = ImpactSnapshot.objects.get(pk=snapshot_id)
    rows = ImpactSnapshot.objects.filter(pk=snapshot_id)
    rows.update(status=ImpactSnapshot.Status.RUNNING, progress=0, error="")
    scope = metrics.Scope(Period.of_snapshot(snapshot))
    steps = metrics.steps(scope)
    results = {}
    started = time.monotonic()
    shown = 0
    try:
        for done, (name, run) in enumerate(steps, start=1):
            results[name] = run()
            percent = done * 99 // len(steps)
            if percent - shown >= 5:
                rows.update(progress=percent)
                shown = percent
        data = metrics.assemble(scope, results)
    except Exception as exc:
        scope.close()
        if not transaction.get_connection().in_atomic_block:  # else the caller rolls back
            try:
                rows.update(status=ImpactSnapshot.Status.FAILED, error=str(exc)[:300])
            except DatabaseError:  # the database itself went away: keep the first error
                logger.warning("impact snapshot %s: could not record the failure", snapshot_id)
        raise
    scope.close()
    rows.update(
        data=data,
        definitions_version=metrics.DEFINITIONS_VERSION,
        computed_at=timezone.now(),
        duration_ms=round((time.monotonic() - started) * 1000),
        status=ImpactSnapshot.Status.DONE,
        progress=100,
        label=scope.period.label,
    )
    snapshot.refresh_from_db()
    return snapshot


def snapshots_refresh(*, today=None) -> list[ImpactSnapshot]:
    """The nightly job: the current calendar and school years, and any snapshot whose
    figures were computed under other definitions."""
    today = today or timezone.localdate()
    wanted = [Period.year(today.year), Period.school_year_of(today)]
    ids = [snapshot_get_or_create(period=period).pk for period in wanted]
    ids += list(
        ImpactSnapshot.objects.filter(computed_at__isnull=False)
        .exclude(definitions_version=metrics.DEFINITIONS_VERSION)
        .exclude(pk__in=ids)
        .values_list("pk", flat=True)
    )
    return [snapshot_compute(snapshot_id=pk) for pk in ids]
