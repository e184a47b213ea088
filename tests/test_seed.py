import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from communities.models import Community, Meeting
from events.models import Attendance, Event, EventSession, Registration, Topic
from events.proposals.models import Room
from gratitude.models import Wall
from providers.models import Offering, Provider, ProviderMembership
from trec.accounts.models import District, School, User


def counts():
    return {
        "users": User.objects.count(),
        "districts": District.objects.count(),
        "schools": School.objects.count(),
        "topics": Topic.objects.count(),
        "grade links": User.grade_bands.through.objects.count(),
        "providers": Provider.objects.count(),
        "events": Event.objects.count(),
        "sessions": EventSession.objects.count(),
        "registrations": Registration.objects.count(),
        "attendance": Attendance.objects.count(),
    }


@pytest.mark.django_db
def test_seed_demo_builds_a_region_and_running_it_again_duplicates_nothing():
    call_command("seed_demo", educators=40, providers=20, events=60, registrations=300, verbosity=0)
    first = counts()
    assert first["users"] == 42  # 40 educators, one coordinator, one provider staff login
    # --events sizes the catalog; the summit, school-visit and last-year (impact) steps add
    # their own events on top.
    catalog = Event.objects.filter(is_private=False).exclude(kind="program")
    assert first["providers"] == 20 and first["registrations"] > 0
    assert catalog.filter(starts_at__gte=timezone.now()).count() > 0
    assert first["events"] >= 60
    assert District.objects.filter(name="Tucson Unified School District", is_partner=True).exists()
    assert first["schools"] >= 40
    roles = set(User.objects.exclude(role="").values_list("role", flat=True))
    assert {"teacher", "aide", "specialist"} <= roles
    coordinator = User.objects.get(email="coordinator@trec-hub.org")
    assert coordinator.groups.filter(name="Coordinators").exists()
    assert coordinator.check_password("trec-demo-password")

    call_command("seed_demo", educators=40, providers=20, events=60, registrations=300, verbosity=0)
    assert counts() == first


@pytest.mark.django_db
def test_seeded_catalog_is_realistic_and_consistent():
    call_command(
        "seed_demo", educators=60, providers=12, events=120, registrations=600, verbosity=0
    )
    assert Provider.objects.filter(name="Ben's Bells Project", is_partner=True).exists()
    assert Provider.objects.filter(name="SAZAEYC").exists()
    kinds = set(Event.objects.values_list("kind", flat=True))
    assert kinds == {"event", "webinar", "program", "on_demand"}
    assert not EventSession.objects.filter(event__kind="on_demand").exists()
    assert Event.objects.filter(kind="program").annotate(n=Count("sessions")).filter(n__gt=1)
    # Seats are never overbooked, and the waiting list has distinct positions.
    overbooked = (
        Event.objects.filter(capacity__isnull=False)
        .annotate(confirmed=Count("registrations", filter=Q(registrations__status="confirmed")))
        .filter(confirmed__gt=F("capacity"))
    )
    assert not overbooked.exists()
    assert Registration.objects.filter(status="waitlisted").exists()
    assert Attendance.objects.exists()
    assert Registration.objects.count() >= 500  # the catalog's, plus summit and last year's
    staff = User.objects.get(email="provider@trec-hub.org")
    assert ProviderMembership.objects.filter(user=staff, provider__name="Tucson Values Teachers")


def spanish_share(queryset, field="title") -> float:
    return queryset.exclude(**{f"{field}_es": ""}).count() / queryset.count()


@pytest.mark.django_db
def test_a_spanish_reader_finds_a_bilingual_region():
    call_command(
        "seed_demo", educators=40, providers=12, events=200, registrations=100, verbosity=0
    )
    listings = Event.objects.filter(is_private=False, status=Event.Status.PUBLISHED)
    assert spanish_share(listings) >= 0.25
    # Every Spanish-language listing reads in Spanish, blocks included.
    for event in listings.filter(language="es"):
        assert event.title_es and event.summary_es
        assert "## Lo que aprenderá" in event.description_es
    summit = EventSession.objects.filter(event__slug__startswith="trec-educator-summit")
    assert spanish_share(summit) >= 0.25 and spanish_share(summit, "location") >= 0.25
    assert spanish_share(Wall.objects.all()) >= 0.25
    assert spanish_share(Wall.objects.all(), "intro") >= 0.25
    assert spanish_share(Community.objects.all()) >= 0.25
    # Community meetings and summit rooms of the call for proposals, too.
    assert spanish_share(Meeting.objects.all()) >= 0.25
    assert spanish_share(Meeting.objects.all(), "agenda") >= 0.25
    assert spanish_share(Room.objects.all(), "name") >= 0.25
    assert spanish_share(Offering.objects.all()) >= 0.25


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
