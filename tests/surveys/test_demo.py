from types import SimpleNamespace

import pytest
from django.db.models import Count

from events.models import Attendance
from surveys.demo import NEEDS_SLUG, seed_surveys
from surveys.models import Response, Survey
from tests import factories

pytestmark = pytest.mark.django_db


def run_seed(educators=300):
    reports = {}
    ctx = SimpleNamespace(
        people={},
        options={"educators": educators, "verbosity": 0},
        report=lambda what, n: reports.__setitem__(what, n),
        progress=lambda *args: None,
    )
    seed_surveys(ctx)
    return reports


def test_demo_needs_survey_and_feedback_are_realistic_and_not_duplicated(client, coordinator):
    for name in ("Early literacy", "STEM and science", "Classroom management"):
        factories.TopicFactory(name=name)
    factories.DistrictFactory.create_batch(3)
    event = factories.EventFactory(
        sessions=[(factories.in_days(-5), factories.in_days(-5, hour=18))]
    )
    for _ in range(12):
        registration = factories.RegistrationFactory(event=event)
        Attendance.objects.create(registration=registration, session=event.sessions.get())

    reports = run_seed()

    needs = Survey.objects.get(slug=NEEDS_SLUG)
    assert needs.title == "2026–27 Educator Needs Survey" and needs.is_open
    assert reports["needs survey responses"] == 1000
    submitted = needs.responses.filter(status="submitted")
    assert submitted.filter(user__isnull=False).count() == 0
    roles = dict(submitted.values_list("role").annotate(n=Count("id")))
    assert roles["teacher"] > roles["counselor"] > 0
    assert submitted.values("grade_band").distinct().count() == 5
    assert submitted.values("district").distinct().count() >= 3
    feedback = Survey.objects.get(event=event)
    assert 0 < feedback.responses.count() <= 12
    assert run_seed()["needs survey responses"] == 1000
    assert Response.objects.filter(survey=feedback).count() == feedback.responses.count()
    client.force_login(coordinator)
    assert client.get(f"/surveys/{NEEDS_SLUG}/report/?by=district").status_code == 200
    assert client.get(f"/surveys/{NEEDS_SLUG}/gaps/").status_code == 200
