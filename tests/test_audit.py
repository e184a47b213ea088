"""The audit trail beyond listings (trec.audit): role changes and survey publication
are recorded with the person who made them, and a deleted account leaves no name or
address in the trail."""

import json

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from events import attendance
from tests import factories
from tests.events.test_admin_scoping import form_data, soup
from trec.accounts.roles import PROVIDER_STAFF_GROUP

pytestmark = pytest.mark.django_db


def entries_about(obj):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).order_by("timestamp", "pk")


def test_a_role_change_is_recorded_with_who_made_it(client):
    coordinator = factories.CoordinatorFactory(first_name="Rosa", last_name="Parra")
    person = factories.EducatorFactory(email="maria@school.example.org")
    client.force_login(coordinator)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    data = form_data(client.get(url), "user_form")
    data["groups"] = [Group.objects.get(name=PROVIDER_STAFF_GROUP).pk]
    assert client.post(url, data).status_code == 302

    changes = [(e.actor, e.changes) for e in entries_about(person) if "groups" in e.changes]
    assert changes == [
        (
            coordinator,
            {"groups": {"type": "m2m", "operation": "add", "objects": [PROVIDER_STAFF_GROUP]}},
        )
    ]
    history = soup(client.get(reverse("admin:accounts_user_history", args=[person.pk])))
    text = history.select_one(".audit-entries").get_text(" ", strip=True)
    assert "Rosa Parra" in text and PROVIDER_STAFF_GROUP in text


def test_publishing_a_survey_is_recorded(client):
    coordinator = factories.CoordinatorFactory()
    survey = factories.SurveyFactory(title="Needs 2027", opens_at=None)
    client.force_login(coordinator)
    url = reverse("admin:surveys_survey_change", args=[survey.pk])
    data = form_data(client.get(url), "survey_form")
    opens = timezone.localtime().replace(second=0, microsecond=0)
    data["opens_at"] = opens.strftime("%Y-%m-%dT%H:%M")
    data["opens_at_0"] = opens.strftime("%Y-%m-%d")
    data["opens_at_1"] = opens.strftime("%H:%M")
    response = client.post(url, data)
    assert response.status_code == 302, soup(response).select(".errorlist")

    [entry] = entries_about(survey).filter(action=LogEntry.Action.UPDATE)
    assert entry.actor == coordinator
    assert entry.changes["opens_at"][0] == "None"


def test_a_deleted_account_leaves_no_name_in_the_trail(client):
    coordinator = factories.CoordinatorFactory()
    educator = factories.EducatorFactory(
        email="ana.lopez@school.example.org", first_name="Ana", last_name="López"
    )
    event = factories.EventFactory(sessions=[(factories.in_days(-1), factories.in_days(-1, 18))])
    registration = factories.RegistrationFactory(event=event, user=educator)
    session = event.sessions.get()
    pair = (registration.pk, session.pk)
    attendance.attendance_mark(
        event=event, allowed={pair}, shown={pair}, checked={pair}, marked_by=coordinator
    )
    trail = json.dumps(
        list(LogEntry.objects.values("object_repr", "changes", "actor_email")), ensure_ascii=False
    )
    assert "Ana López" in trail

    client.force_login(educator)
    response = client.post(
        reverse("accounts:delete_account"), {"password": factories.PASSWORD, "confirm": "on"}
    )
    assert response.status_code == 302
    educator.refresh_from_db()
    assert educator.deleted_at is not None

    trail = json.dumps(
        list(LogEntry.objects.values("object_repr", "changes", "actor_email")), ensure_ascii=False
    )
    assert "Ana López" not in trail
    assert "ana.lopez@school.example.org" not in trail
    assert "Former member" in trail
