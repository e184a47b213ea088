"""The Celery task: progress while it runs, the stored snapshot, the nightly refresh,
definitions versions never mixed, and a task queue that is down."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from trec.impact import metrics, services
from trec.impact.models import ImpactSnapshot
from trec.impact.periods import Period

from .conftest import figures

pytestmark = pytest.mark.django_db


def test_the_task_stores_the_figures_and_reports_progress_as_it_goes(
    region, coordinator, monkeypatch, django_capture_on_commit_callbacks
):
    seen = []
    original = metrics.steps

    def spying_steps(scope):
        steps = original(scope)
        middle = len(steps) // 2
        name, run = steps[middle]

        def look():
            seen.append(ImpactSnapshot.objects.values_list("status", "progress").get())
            return run()

        steps[middle] = (name, look)
        return steps

    monkeypatch.setattr(metrics, "steps", spying_steps)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        snapshot = services.snapshot_request(period=Period.year(2025), requested_by=coordinator)
        assert snapshot.status == ImpactSnapshot.Status.QUEUED
    assert len(callbacks) == 1  # enqueued only once the request committed
    status, progress = seen[0]
    assert status == ImpactSnapshot.Status.RUNNING and 0 < progress < 100

    snapshot.refresh_from_db()
    assert snapshot.status == ImpactSnapshot.Status.DONE
    assert snapshot.progress == 100
    assert snapshot.definitions_version == metrics.DEFINITIONS_VERSION
    assert snapshot.label == "2025"
    assert snapshot.requested_by == coordinator
    assert snapshot.data == figures(Period.year(2025))
    assert snapshot.data["metrics"]["educators_served"] == 3


def test_recomputing_updates_the_same_row(region):
    snapshot = services.snapshot_get_or_create(period=Period.year(2025))
    services.snapshot_compute(snapshot_id=snapshot.pk)
    region["registrations"]["ben-w"].attendances.all().delete()
    services.snapshot_compute(snapshot_id=snapshot.pk)
    assert ImpactSnapshot.objects.count() == 1
    snapshot.refresh_from_db()
    assert snapshot.data["metrics"]["educators_served"] == 2


def test_a_failing_computation_keeps_the_previous_figures(region, monkeypatch):
    snapshot = services.snapshot_get_or_create(period=Period.year(2025))
    services.snapshot_compute(snapshot_id=snapshot.pk)

    def broken(scope):
        raise RuntimeError("database went away")

    monkeypatch.setattr(metrics, "steps", lambda scope: [("metric:x", lambda: broken(scope))])
    # The test runs inside a transaction (as the seed does): the error propagates.
    with pytest.raises(RuntimeError):
        services.snapshot_compute(snapshot_id=snapshot.pk)
    snapshot.refresh_from_db()
    assert snapshot.data["metrics"]["educators_served"] == 3
    assert snapshot.is_current


def test_nightly_refresh_computes_this_year_this_school_year_and_stale_snapshots(db):
    stale = services.snapshot_get_or_create(period=Period.year(2019))
    ImpactSnapshot.objects.filter(pk=stale.pk).update(
        computed_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
        definitions_version=metrics.DEFINITIONS_VERSION - 1,
        data={"metrics": {"educators_served": 999}},
    )
    untouched = services.snapshot_get_or_create(period=Period.year(2018))
    from trec.impact.tasks import refresh_nightly

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services.timezone, "localdate", lambda: datetime.date(2026, 3, 5))
        assert refresh_nightly.delay().get() == 3
    done = {(s.period_kind, s.label): s for s in ImpactSnapshot.objects.filter(status="done")}
    assert set(done) == {("year", "2026"), ("school_year", "2025–26"), ("year", "2019")}
    assert done[("year", "2019")].definitions_version == metrics.DEFINITIONS_VERSION
    assert done[("year", "2019")].data["metrics"]["educators_served"] == 0
    untouched.refresh_from_db()
    assert untouched.computed_at is None


def test_figures_from_other_definitions_are_never_shown_or_compared(region, client):
    for year in (2024, 2025):
        snapshot = services.snapshot_get_or_create(period=Period.year(year))
        services.snapshot_compute(snapshot_id=snapshot.pk)
    ImpactSnapshot.objects.filter(period_start__year=2024).update(
        definitions_version=metrics.DEFINITIONS_VERSION + 1
    )
    page = BeautifulSoup(client.get(reverse("impact:year", args=[2025])).content, "html.parser")
    assert page.find(id="figure-educators_served")
    assert "Compared with the period before" in page.get_text()
    assert not page.select(".impact-trend")  # 2024 was counted another way

    ImpactSnapshot.objects.filter(period_start__year=2025).update(definitions_version=0)
    page = BeautifulSoup(client.get(reverse("impact:year", args=[2025])).content, "html.parser")
    assert not page.find(id="figure-educators_served")
    assert "being recomputed" in page.find(role="status").get_text()


def test_the_recompute_button_says_so_kindly_when_the_queue_is_down(
    region, client, coordinator, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from trec.impact import tasks

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.compute_snapshot, "apply_async", refuse)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("impact:recompute"), {"period": "2025"})
    assert response.status_code == 302
    page = BeautifulSoup(client.get(response["Location"]).content, "html.parser")
    # (In a real request the flash message says so too: there the task is enqueued as the
    # service's transaction commits, before the view answers.)
    status = page.select_one(".impact-status").get_text(" ", strip=True)
    assert "The task queue did not answer, so nothing was recomputed" in status
    assert page.select_one(".impact-status button").get_text() == "Compute now"
    snapshot = ImpactSnapshot.objects.get()
    assert snapshot.status == ImpactSnapshot.Status.FAILED
    assert snapshot.computed_at is None


def test_pressing_recompute_computes_the_period_and_shows_it(
    region, client, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("impact:recompute"), {"period": "2025-01-01--2025-03-31"})
    assert response.status_code == 302
    page = BeautifulSoup(client.get(response["Location"]).content, "html.parser")
    assert page.select_one(".impact-status-text").get_text() == "Up to date"
    served = page.find(id="figure-educators_served").find("td").get_text()
    assert served == "2"  # ana and ben at the March workshop; the webinar was in April
    assert ImpactSnapshot.objects.get().period_kind == "range"
