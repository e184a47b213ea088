"""The catalog's stored columns (next session, seats taken) and honest dates: what
the cards, "Soonest first", the date filters and registration read, kept by
events.services as registrations and sessions change and as time passes."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, EventSession, Registration
from tests import factories
from tests.factories import in_days

pytestmark = pytest.mark.django_db

CATALOG = reverse("events:catalog")


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def cards(client, **params) -> dict[str, str]:
    """{title: card text}, in page order."""
    page = soup(client.get(CATALOG, params))
    return {
        card.select_one(".event-card-title").get_text(strip=True): card.get_text(" ", strip=True)
        for card in page.select(".event-list .event-card")
    }


def day_text(days: float) -> str:
    start = timezone.localtime(in_days(days))
    return f"{start:%a, %b} {start.day}, {start.year}"


def test_seats_taken_follows_every_registration_service():
    event = factories.EventFactory(capacity=2)
    people = factories.EducatorFactory.create_batch(3)
    first = services.registration_create(event=event, user=people[0]).registration
    services.registration_create(event=event, user=people[1])
    services.registration_create(event=event, user=people[2])  # waiting list
    event.refresh_from_db()
    assert event.seats_taken == 2
    services.registration_cancel(registration=first)  # the first waiting is promoted
    event.refresh_from_db()
    assert event.seats_taken == 2
    assert Registration.objects.filter(event=event, status="waitlisted").count() == 0
    approval = factories.EventFactory(capacity=5, requires_approval=True)
    pending = services.registration_create(event=approval, user=people[0]).registration
    approval.refresh_from_db()
    assert approval.seats_taken == 0
    services.registration_decide(registration=pending, approve=True)
    approval.refresh_from_db()
    assert approval.seats_taken == 1


def test_a_stale_event_saved_by_the_back_office_keeps_the_stored_seats():
    event = factories.EventFactory(capacity=5)
    stale = Event.objects.get(pk=event.pk)
    services.registration_create(event=event, user=factories.EducatorFactory())
    stale.title = "Renamed"
    stale.save()
    event.refresh_from_db()
    assert (event.title, event.seats_taken) == ("Renamed", 1)


def test_cards_show_seats_from_the_stored_count(client):
    event = factories.EventFactory(title="Small room", capacity=3)
    for person in factories.EducatorFactory.create_batch(2):
        services.registration_create(event=event, user=person)
    assert "1 seat left" in cards(client)["Small room"]


def test_the_next_session_moves_on_as_time_passes():
    series = factories.EventFactory(
        sessions=[(in_days(2), in_days(2, 18)), (in_days(9), in_days(9, 18))]
    )
    assert series.next_starts_at == in_days(2)
    # Time passes: the first session is now over (moved into the past in the database).
    first = series.sessions.order_by("starts_at").first()
    EventSession.objects.filter(pk=first.pk).update(starts_at=in_days(-3), ends_at=in_days(-3, 18))
    Event.objects.filter(pk=series.pk).update(
        starts_at=in_days(-3), next_starts_at=in_days(-3), next_ends_at=in_days(-3, 18)
    )
    assert services.next_sessions_refresh() == 1
    series.refresh_from_db()
    assert (series.next_starts_at, series.next_ends_at) == (in_days(9), in_days(9, 18))
    assert series.is_under_way
    assert services.next_sessions_refresh() == 0  # nothing left to move on


def test_refresh_task_runs_the_service():
    from events.tasks import refresh_next_sessions

    event = factories.EventFactory()
    Event.objects.filter(pk=event.pk).update(next_ends_at=timezone.now() - datetime.timedelta(1))
    assert refresh_next_sessions() == 1
    event.refresh_from_db()
    assert event.next_starts_at == in_days(7)


@pytest.fixture
def under_way():
    """A series whose first session was last week: next session in 30 days."""
    return factories.EventFactory(
        title="Coaching cycle",
        kind=Event.Kind.PROGRAM,
        sessions=[(in_days(-7), in_days(-7, 18)), (in_days(30), in_days(30, 18))],
    )


def test_soonest_first_and_dates_follow_the_next_session(client, under_way):
    factories.EventFactory(title="In ten days", sessions=[(in_days(10), in_days(10, 18))])
    factories.EventFactory(title="In twenty days", sessions=[(in_days(20), in_days(20, 18))])
    shown = cards(client, sort="soonest")
    # The series started first, but its next session is the latest.
    assert list(shown) == ["In ten days", "In twenty days", "Coaching cycle"]
    assert day_text(30) in shown["Coaching cycle"]
    # A range after the first two: only the series, dated by its next session.
    start = timezone.localdate(in_days(25)).isoformat()
    end = timezone.localdate(in_days(40)).isoformat()
    assert list(cards(client, start=start, end=end)) == ["Coaching cycle"]
    # Its past session no longer matches a range.
    start = timezone.localdate(in_days(-8)).isoformat()
    end = timezone.localdate(in_days(-6)).isoformat()
    assert list(cards(client, start=start, end=end)) == []


def test_a_series_under_way_says_so_and_closes(client, under_way):
    card = cards(client)["Coaching cycle"]
    assert "series under way: registration closed" in card
    with pytest.raises(services.RegistrationClosed):
        services.registration_create(event=under_way, user=factories.EducatorFactory())
    page = soup(client.get(under_way.get_absolute_url())).get_text(" ", strip=True)
    assert f"This series started on {day_text(-7)}." in page
    assert "1 session remains." in page
    assert "Registration closed when it started." in page


def test_a_series_under_way_may_take_people_for_the_remaining_sessions(client, under_way):
    under_way.joins_after_start = True
    under_way.save()
    assert "join the remaining sessions" in cards(client)["Coaching cycle"]
    educator = factories.EducatorFactory()
    client.force_login(educator)
    page = soup(client.get(under_way.get_absolute_url()))
    assert "You can still join the remaining sessions." in page.get_text(" ", strip=True)
    assert page.find("button", string="Join the remaining sessions") is not None
    result = services.registration_create(event=under_way, user=educator)
    assert result.registration.status == "confirmed"


def test_a_single_session_in_progress_is_not_a_series_under_way():
    event = factories.EventFactory(
        sessions=[(timezone.now() - datetime.timedelta(hours=1), in_days(1))]
    )
    assert not event.is_under_way
    assert services.registration_create(event=event, user=factories.EducatorFactory()).created


def test_cards_are_rendered_once_and_follow_seats_and_edits(client, settings, monkeypatch):
    settings.CACHED_READS = {**settings.CACHED_READS, "catalog_cards": 60}
    from django.core.cache import cache

    from events import views

    cache.clear()
    event = factories.EventFactory(title="Small room", capacity=3)
    renders = []
    real = views.get_template

    def counting(name):
        template = real(name)

        class Counted:
            def render(self, context, request):
                renders.append(context["event"].pk)
                return template.render(context, request)

        return Counted()

    monkeypatch.setattr(views, "get_template", counting)
    assert "3 seats left" in cards(client)["Small room"]
    assert "3 seats left" in cards(client, kind="event")["Small room"]  # another query
    assert renders == [event.pk]  # rendered once, shared
    services.registration_create(event=event, user=factories.EducatorFactory())
    assert "2 seats left" in cards(client)["Small room"]
    event.title = "Bigger room"
    event.save()
    assert "Bigger room" in cards(client)
    assert renders == [event.pk] * 3
