import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from events.models import Topic
from trec.accounts.models import District, School, User


def counts():
    return {
        "users": User.objects.count(),
        "districts": District.objects.count(),
        "schools": School.objects.count(),
        "topics": Topic.objects.count(),
        "grade links": User.grade_bands.through.objects.count(),
    }


@pytest.mark.django_db
def test_seed_demo_builds_a_region_and_running_it_again_duplicates_nothing():
    call_command("seed_demo", educators=40, verbosity=0)
    first = counts()
    assert first["users"] == 42  # 40 educators, one coordinator, one provider staff login
    assert District.objects.filter(name="Tucson Unified School District", is_partner=True).exists()
    assert first["schools"] >= 40
    roles = set(User.objects.exclude(role="").values_list("role", flat=True))
    assert {"teacher", "aide", "specialist"} <= roles
    coordinator = User.objects.get(email="coordinator@trec-hub.org")
    assert coordinator.groups.filter(name="Coordinators").exists()
    assert coordinator.check_password("trec-demo-password")

    call_command("seed_demo", educators=40, verbosity=0)
    assert counts() == first


@pytest.mark.django_db
def test_seed_demo_grows_when_asked_for_more():
    call_command("seed_demo", educators=10, verbosity=0)
    call_command("seed_demo", educators=25, verbosity=0)
    assert User.objects.filter(email__endswith="@example.org").count() == 25


@pytest.mark.django_db
def test_if_empty_leaves_an_existing_database_alone():
    call_command("seed_demo", educators=5, verbosity=0)
    call_command("seed_demo", educators=50, if_empty=True, verbosity=0)
    assert User.objects.filter(email__endswith="@example.org").count() == 5


@pytest.mark.django_db
def test_coordinators_group_can_manage_hub_models():
    group = Group.objects.get(name="Coordinators")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"add_topic", "change_topic", "change_district", "view_user"} <= codenames
    assert "delete_user" not in codenames
