"""The demo step gives the report a history (so trends show) and computes snapshots."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from events.models import Event
from tests.factories import EducatorFactory, ProviderFactory, TopicFactory
from trec.impact.demo import seed_snapshots
from trec.impact.models import ImpactSnapshot

pytestmark = pytest.mark.django_db


def context():
    reports = {}
    return SimpleNamespace(
        options={"events": 40, "registrations": 300, "verbosity": 0},
        report=lambda what, count: reports.__setitem__(what, count),
        reports=reports,
    )


def test_demo_history_and_snapshots_for_two_years(db):
    for n in range(3):
        ProviderFactory()
        TopicFactory(name=f"Demo topic {n}")
    EducatorFactory.create_batch(25)
    year = timezone.localdate().year

    ctx = context()
    seed_snapshots(ctx)
    history = Event.objects.filter(slug__startswith="impact-history")
    assert history.filter(starts_at__year=year - 1).count() >= 5
    assert history.filter(kind=Event.Kind.PROGRAM, title__startswith="Regional Educator Summit")
    snapshots = {(s.period_kind, s.label): s for s in ImpactSnapshot.objects.filter(status="done")}
    assert {("year", str(year - 1)), ("year", str(year))} <= set(snapshots)
    assert len(snapshots) == 4
    last_year = snapshots[("year", str(year - 1))].data
    assert last_year["metrics"]["educators_served"] > 0
    assert last_year["metrics"]["pd_hours"] != "0"
    assert last_year["series"]["programs"][0]["attendees"] > 0

    # Run again: no duplicated history, the same snapshots recomputed.
    count = history.count()
    seed_snapshots(context())
    assert history.count() == count
    assert ImpactSnapshot.objects.count() == 4
