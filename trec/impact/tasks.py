"""Celery tasks: thin, by id, idempotent (recomputing a snapshot stores the same figures)."""

from celery import shared_task

from . import services


@shared_task(name="impact.compute_snapshot", acks_late=True)
def compute_snapshot(snapshot_id: int) -> int:
    """Compute one snapshot (asked for from the coordinator dashboard)."""
    return services.snapshot_compute(snapshot_id=snapshot_id).progress


@shared_task(name="impact.refresh_nightly", acks_late=True)
def refresh_nightly() -> int:
    """The current calendar and school years, and out-of-date snapshots (celery beat)."""
    return len(services.snapshots_refresh())
