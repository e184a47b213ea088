"""A coordinator manages people in the back office but can never hand out more power
than the hub's roles (trec.accounts.roles.ROLE_GROUPS): superuser and staff status,
single permissions and other groups are a superuser's to give. Checked by POST, the
way an attacker would try it, not only by what the form shows."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests import factories
from trec.accounts.roles import COORDINATORS_GROUP, PROVIDER_STAFF_GROUP


def change_url(user) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def form_data(client, user) -> dict:
    """The change form as the browser would send it back, unchanged."""
    soup = BeautifulSoup(client.get(change_url(user)).content, "html.parser")
    form = soup.find("form", id="user_form")
    data = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "button"):
            continue
        if field.name == "select":
            chosen = [o["value"] for o in field.find_all("option") if o.has_attr("selected")]
            data[name] = chosen if field.has_attr("multiple") else (chosen or [""])[0]
        elif field.get("type") == "checkbox":
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field.get("value", "on"))
        elif field.name == "textarea":
            data[name] = field.get_text()
        else:
            data[name] = field.get("value", "")
    return data


@pytest.fixture
def other_group(db):
    return Group.objects.create(name="Data exporters")


def test_a_coordinator_cannot_grant_superuser_staff_permissions_or_other_groups(
    client, coordinator, educator, other_group
):
    client.force_login(coordinator)
    data = form_data(client, educator)
    permission = Permission.objects.get(codename="delete_user")
    data.update(is_superuser="on", is_staff="on", user_permissions=[permission.pk])
    assert client.post(change_url(educator), data).status_code == 302  # saved, minus those
    data["groups"] = [other_group.pk]
    refused = client.post(change_url(educator), data)
    assert refused.status_code == 200
    errors = BeautifulSoup(refused.content, "html.parser").select(".errorlist")
    assert "Select a valid choice" in " ".join(e.get_text() for e in errors)
    educator.refresh_from_db()
    assert not educator.is_superuser
    assert not educator.is_staff
    assert not educator.user_permissions.exists()
    assert not educator.groups.exists()


def test_the_form_offers_a_coordinator_only_the_hubs_roles(client, coordinator, educator):
    client.force_login(coordinator)
    page = BeautifulSoup(client.get(change_url(educator)).content, "html.parser")
    for name in ("is_superuser", "is_staff", "user_permissions"):
        assert page.find(attrs={"name": name}) is None, name
    offered = {option.get_text() for option in page.select("select[name=groups] option")}
    assert offered == {COORDINATORS_GROUP, PROVIDER_STAFF_GROUP}


def test_a_coordinator_grants_a_role_and_keeps_groups_they_cannot_see(
    client, coordinator, educator, other_group
):
    educator.groups.add(other_group)  # given by a superuser
    client.force_login(coordinator)
    data = form_data(client, educator)
    data["groups"] = [Group.objects.get(name=PROVIDER_STAFF_GROUP).pk]
    assert client.post(change_url(educator), data).status_code == 302
    educator.refresh_from_db()
    assert set(educator.groups.values_list("name", flat=True)) == {
        PROVIDER_STAFF_GROUP,
        other_group.name,
    }
    assert educator.is_staff  # the role needs the back office
    assert not educator.is_superuser


def test_a_coordinator_cannot_touch_a_superusers_account(client, coordinator):
    boss = factories.UserFactory(is_superuser=True, is_staff=True, email="boss@example.org")
    client.force_login(coordinator)
    response = client.post(change_url(boss), {"email": "attacker@example.org"})
    assert response.status_code == 403
    password = reverse("admin:auth_user_password_change", args=[boss.pk])
    response = client.post(
        password, {"password1": "a-new-Password-123", "password2": "a-new-Password-123"}
    )
    assert response.status_code == 403
    boss.refresh_from_db()
    assert boss.email == "boss@example.org"
    assert boss.check_password(factories.PASSWORD)


def test_a_superuser_still_grants_anything(client, educator, other_group):
    root = factories.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(root)
    data = form_data(client, educator)
    data.update(
        is_staff="on", groups=[other_group.pk, Group.objects.get(name=COORDINATORS_GROUP).pk]
    )
    assert client.post(change_url(educator), data).status_code == 302
    educator.refresh_from_db()
    assert educator.is_staff
    assert set(educator.groups.values_list("name", flat=True)) == {
        other_group.name,
        COORDINATORS_GROUP,
    }
