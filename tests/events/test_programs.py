"""Programs: the personal schedule (overlaps refused, per-session waiting lists and
promotion), the public schedule grid, my schedule and its calendar file, and what
cancelling the program does to the sessions chosen."""

import datetime
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from events.models import Event, Registration, SessionChoice
from events.programs import services as program_services
from events.services import event_saved, registration_cancel, registration_create
from tests import factories
from tests.factories import in_days
from trec.notifications.models import Notification

pytestmark = pytest.mark.django_db

Status = SessionChoice.Status


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def messages_text(page) -> str:
    return " ".join(p.get_text(" ", strip=True) for p in page.select(".message"))


@pytest.fixture
def summit(db):
    return factories.ProgramFactory(title="TREC Educator Summit", slug="trec-educator-summit")


def breakout(event, title, hour, room="Room 101", minutes=60, **kwargs):
    start = in_days(7, hour=hour)
    return factories.ProgramSessionFactory(
        event=event,
        title=title,
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=minutes),
        location=room,
        **kwargs,
    )


def registered(event, user=None):
    return registration_create(event=event, user=user or factories.EducatorFactory()).registration


# --- Choosing sessions ---------------------------------------------------------------------


def test_overlapping_choice_is_refused_with_the_clashing_session_named(client, summit):
    phonics = breakout(summit, "Phonics that sticks", 9, room="Room 101")
    breakout(summit, "Restorative circles", 9, minutes=90, room="Room 102")
    later = breakout(summit, "Math talks", 11, room="Room 101")
    registration = registered(summit)
    client.force_login(registration.user)
    url = reverse("events:schedule_choose", kwargs={"slug": summit.slug})

    client.post(url, {"session": phonics.pk})
    clash = summit.sessions.get(title="Restorative circles")
    response = client.post(url, {"session": clash.pk}, follow=True)

    text = messages_text(soup(response))
    assert "“Restorative circles” overlaps “Phonics that sticks”" in text
    assert "Drop that one first" in text
    chosen = set(registration.session_choices.values_list("session__title", flat=True))
    assert chosen == {"Phonics that sticks"}
    # A session right after the first one (no overlap) is fine.
    client.post(url, {"session": later.pk})
    assert registration.session_choices.count() == 2


def test_a_clashing_session_says_so_next_to_it_before_and_after_the_tap(client, summit):
    """On a phone the page's message is far above the session: the session itself says
    it overlaps the one already chosen, offers no Add button, and a refused tap comes
    back to it."""
    phonics = breakout(summit, "Phonics that sticks", 9, room="Room 101")
    clash = breakout(summit, "Restorative circles", 9, minutes=90, room="Room 102")
    later = breakout(summit, "Math talks", 11, room="Room 101")
    registration = registered(summit)
    client.force_login(registration.user)
    schedule = reverse("events:schedule", kwargs={"slug": summit.slug})
    choose = reverse("events:schedule_choose", kwargs={"slug": summit.slug})
    client.post(choose, {"session": phonics.pk})

    page = soup(client.get(schedule))
    card = page.find(id=f"session-{clash.pk}")
    note = card.find(class_="session-clash")
    assert "Overlaps “Phonics that sticks”, already in your schedule" in note.get_text()
    assert card.find("form") is None  # nothing to tap that would be refused
    assert page.find(id=f"session-{later.pk}").find(class_="session-clash") is None
    assert page.find(id=f"session-{later.pk}").find("form") is not None

    response = client.post(choose, {"session": clash.pk})
    assert response["Location"].endswith(f"#session-{clash.pk}")


def test_back_to_back_sessions_do_not_overlap(summit):
    first = breakout(summit, "First", 9)
    second = breakout(summit, "Second", 10)
    registration = registered(summit)
    program_services.session_choose(registration=registration, session=first)
    program_services.session_choose(registration=registration, session=second)
    assert registration.session_choices.filter(status=Status.CONFIRMED).count() == 2


def test_only_a_confirmed_program_registration_chooses_sessions(summit):
    session = breakout(summit, "Keynote", 9)
    waiting_summit = factories.ProgramFactory(capacity=1)
    full_session = breakout(waiting_summit, "Full", 9)
    registered(waiting_summit)
    waitlisted = registered(waiting_summit)
    assert waitlisted.status == Registration.Status.WAITLISTED

    with pytest.raises(program_services.ScheduleError, match="must be confirmed"):
        program_services.session_choose(registration=waitlisted, session=full_session)
    ordinary = factories.EventFactory()
    ordinary_registration = registered(ordinary)
    with pytest.raises(program_services.ScheduleError):
        program_services.session_choose(
            registration=ordinary_registration, session=ordinary.sessions.get()
        )
    with pytest.raises(program_services.ScheduleError, match="another event"):
        program_services.session_choose(registration=waitlisted, session=session)
    assert not SessionChoice.objects.exists()


def test_choosing_without_registering_sends_you_to_register(client, summit, educator):
    session = breakout(summit, "Keynote", 9)
    client.force_login(educator)
    response = client.post(
        reverse("events:schedule_choose", kwargs={"slug": summit.slug}),
        {"session": session.pk},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == summit.get_absolute_url()
    assert "Register for TREC Educator Summit first" in messages_text(soup(response))
    assert not SessionChoice.objects.exists()


def test_anonymous_choice_goes_to_sign_in(client, summit):
    session = breakout(summit, "Keynote", 9)
    response = client.post(
        reverse("events:schedule_choose", kwargs={"slug": summit.slug}), {"session": session.pk}
    )
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_full_session_offers_its_waiting_list_and_dropping_promotes_the_next(
    client, summit, django_capture_on_commit_callbacks
):
    session = breakout(summit, "Coaching clinic", 9, capacity=1)
    first, second, third = (registered(summit) for _ in range(3))
    program_services.session_choose(registration=first, session=session)

    client.force_login(second.user)
    page = soup(client.get(reverse("events:schedule", kwargs={"slug": summit.slug})))
    card = page.find(id=f"session-{session.pk}")
    assert "Full" in card.get_text()
    assert card.find("button").get_text(" ", strip=True).startswith("Join the waiting list")
    response = client.post(
        reverse("events:schedule_choose", kwargs={"slug": summit.slug}),
        {"session": session.pk},
        follow=True,
    )
    assert "you are number 1 on its waiting list" in messages_text(soup(response))
    program_services.session_choose(registration=third, session=session)
    assert [c.status for c in SessionChoice.objects.order_by("pk")] == [
        Status.CONFIRMED,
        Status.WAITLISTED,
        Status.WAITLISTED,
    ]

    with django_capture_on_commit_callbacks(execute=True):
        promoted = program_services.session_drop(registration=first, session=session)

    assert [choice.registration for choice in promoted] == [second]
    assert SessionChoice.objects.get(registration=second).status == Status.CONFIRMED
    third_choice = SessionChoice.objects.get(registration=third)
    assert third_choice.status == Status.WAITLISTED
    notification = Notification.objects.get(kind="session_choice_promoted")
    assert notification.recipient == second.user
    message = next(m for m in mail.outbox if m.to == [second.user.email])
    assert "Coaching clinic" in message.subject
    assert "it is yours" in message.body
    assert reverse("events:my_schedule", kwargs={"slug": summit.slug}) in message.body
    assert message.alternatives and "Coaching clinic" in message.alternatives[0][0]
    # Third is now first in line.
    page = soup(client.get(reverse("events:my_schedule", kwargs={"slug": summit.slug})))
    assert "In your schedule" in page.find(id=f"session-{session.pk}").get_text()
    client.force_login(third.user)
    page = soup(client.get(reverse("events:my_schedule", kwargs={"slug": summit.slug})))
    assert (
        "You are number 1 on the waiting list" in page.find(id=f"session-{session.pk}").get_text()
    )


def test_cancelling_the_program_drops_every_choice_and_promotes(
    summit, django_capture_on_commit_callbacks
):
    morning = breakout(summit, "Morning", 9, capacity=1)
    afternoon = breakout(summit, "Afternoon", 13, capacity=1)
    leaver, waiter = registered(summit), registered(summit)
    program_services.session_choose(registration=leaver, session=morning)
    program_services.session_choose(registration=leaver, session=afternoon)
    program_services.session_choose(registration=waiter, session=afternoon)

    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=leaver)

    assert not SessionChoice.objects.filter(registration=leaver).exists()
    assert SessionChoice.objects.get(registration=waiter).status == Status.CONFIRMED
    assert Notification.objects.filter(
        kind="session_choice_promoted", recipient=waiter.user
    ).exists()


# --- The public schedule -------------------------------------------------------------------


def test_schedule_grid_by_time_and_room_with_seats_left(client, summit):
    breakout(summit, "Opening keynote", 8, room="Ballroom", capacity=None)
    breakout(summit, "Phonics that sticks", 9, room="Room 101", capacity=30, presenters="Ana Ruiz")
    breakout(summit, "Math talks", 9, room="Room 102", capacity=2)
    registration = registered(summit)
    program_services.session_choose(
        registration=registration, session=summit.sessions.get(title="Math talks")
    )

    page = soup(client.get(reverse("events:schedule", kwargs={"slug": summit.slug})))

    assert page.h1.get_text(strip=True) == "Schedule: TREC Educator Summit"
    assert len(page.find_all("h1")) == 1
    table = page.find("table", class_="schedule-grid")
    rooms = [th.get_text(strip=True) for th in table.thead.find_all("th", scope="col")]
    assert rooms == ["Time", "Room 101", "Room 102"]  # the keynote's ballroom is no column
    rows = table.tbody.find_all("tr")
    assert [row.th["scope"] for row in rows] == ["row", "row"]
    assert [row.th.get_text(strip=True) for row in rows] == [
        "8:00 AM–9:00 AM",
        "9:00 AM–10:00 AM",
    ]
    assert rows[0].find("td")["colspan"] == "2"  # the keynote spans every room
    assert "Opening keynote" in rows[0].get_text() and "Ballroom" in rows[0].get_text()
    cells = rows[1].find_all("td")
    assert "Phonics that sticks" in cells[0].get_text()
    assert "30 seats left" in cells[0].get_text()
    assert "With Ana Ruiz" in cells[0].get_text()
    assert "Math talks" in cells[1].get_text()
    assert "1 seat left" in cells[1].get_text()
    # Anonymous visitors see no buttons, and an invitation to register.
    assert not table.find("button")
    assert "Register for the program to build your own schedule" in page.get_text()


def test_ordinary_events_have_no_schedule_page(client):
    event = factories.EventFactory()
    assert client.get(reverse("events:schedule", kwargs={"slug": event.slug})).status_code == 404


def test_drafts_schedule_is_not_public(client, summit):
    summit.status = Event.Status.DRAFT
    summit.save()
    assert client.get(reverse("events:schedule", kwargs={"slug": summit.slug})).status_code == 404


@pytest.mark.parametrize("rooms", [1, 4])
def test_schedule_grid_query_count_is_fixed(client, django_assert_num_queries, summit, rooms):
    """Sixty sessions (or one) cost the same: no query per session, room or choice (N+1
    on seats left, the featured provider or the viewer's own choices)."""
    slots = 15 if rooms == 4 else 1
    provider = factories.ProviderFactory()
    for slot in range(slots):
        for room in range(rooms):
            start = in_days(7, hour=7) + datetime.timedelta(minutes=45 * slot)
            factories.ProgramSessionFactory(
                event=summit,
                title=f"Session {slot}-{room}",
                starts_at=start,
                ends_at=start + datetime.timedelta(minutes=40),
                location=f"Room {room}",
                capacity=20,
                featured_provider=provider if room == 0 else None,
            )
    registration = registered(summit)
    for session in summit.sessions.filter(location="Room 0"):
        program_services.session_choose(registration=registration, session=session)
    assert summit.sessions.count() == slots * rooms
    client.force_login(registration.user)
    url = reverse("events:schedule", kwargs={"slug": summit.slug})

    # session, user, event, sessions, registration, choices
    with django_assert_num_queries(6):
        response = client.get(url)

    assert response.status_code == 200
    assert len(soup(response).select("article.session-card")) == slots * rooms
    assert len(soup(response).select(".session-chosen")) == slots


def test_detail_page_links_to_schedule_expo_and_spotlight(client, summit):
    exhibitor = factories.ProviderFactory(name="Ben's Bells Project")
    summit.expo_booths.create(provider=exhibitor, booth="Table 4", note="Kindness kits")
    breakout(summit, "Kindness in 10 minutes", 9, featured_provider=exhibitor)

    page = soup(client.get(summit.get_absolute_url()))

    panel = page.find("section", class_="program-panel")
    links = {a.get_text(strip=True): a["href"] for a in panel.find_all("a")}
    assert links["See the schedule"] == reverse("events:schedule", kwargs={"slug": summit.slug})
    expo = panel.find("ul", class_="expo-list")
    assert "Table 4" in expo.get_text() and "Kindness kits" in expo.get_text()
    assert expo.find("a")["href"] == reverse("providers:detail", kwargs={"slug": exhibitor.slug})
    assert "Kindness in 10 minutes" in panel.find("ol", class_="spotlight-list").get_text()
    assert "Check-in desk" not in links  # anonymous


def test_past_spotlight_shows_recordings_and_provider_links(client):
    webinar = factories.ProgramFactory(title="PD Provider Spotlight", format=Event.Format.VIRTUAL)
    provider = factories.ProviderFactory(name="Literacy Connects")
    start = in_days(-10, hour=15)
    factories.ProgramSessionFactory(
        event=webinar,
        title="Reading buddies",
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=10),
        featured_provider=provider,
        recording_url="https://video.example.org/reading-buddies",
        provider_link="https://literacyconnects.example.org/teachers",
    )

    page = soup(client.get(webinar.get_absolute_url()))

    spotlight = page.find("ol", class_="spotlight-list")
    hrefs = [a["href"] for a in spotlight.find_all("a")]
    assert "https://video.example.org/reading-buddies" in hrefs
    assert "https://literacyconnects.example.org/teachers" in hrefs
    assert "Resources from Literacy Connects" in spotlight.get_text()


def test_ordinary_event_page_has_no_program_panel(client):
    event = factories.EventFactory()
    page = soup(client.get(event.get_absolute_url()))
    assert page.find("section", class_="program-panel") is None


# --- My schedule and its calendar -----------------------------------------------------------


def test_my_schedule_lists_my_sessions_and_its_calendar_has_only_them(client, summit):
    keynote = breakout(summit, "Keynote", 8, room="Ballroom")
    chosen = breakout(summit, "Phonics that sticks", 9)
    breakout(summit, "Not for me", 9, room="Room 102")
    full = breakout(summit, "Tiny room", 11, capacity=1)
    registration = registered(summit)
    program_services.session_choose(registration=registered(summit), session=full)
    for session in (keynote, chosen, full):
        program_services.session_choose(registration=registration, session=session)
    client.force_login(registration.user)

    page = soup(client.get(reverse("events:my_schedule", kwargs={"slug": summit.slug})))

    titles = [h.get_text(strip=True) for h in page.select(".my-sessions h3")]
    assert titles == ["Keynote", "Phonics that sticks", "Tiny room"]
    assert page.find("figure", class_="checkin-code").find("svg") is not None
    response = client.get(reverse("events:my_schedule_calendar", kwargs={"slug": summit.slug}))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    summaries = [str(e["summary"]) for e in calendar.walk("VEVENT")]
    # The waiting-list choice is not in the calendar.
    assert summaries == [
        "TREC Educator Summit: Keynote",
        "TREC Educator Summit: Phonics that sticks",
    ]


def test_my_schedule_needs_sign_in_and_says_when_not_registered(client, summit, educator):
    url = reverse("events:my_schedule", kwargs={"slug": summit.slug})
    assert "/accounts/login/" in client.get(url)["Location"]
    ics = reverse("events:my_schedule_calendar", kwargs={"slug": summit.slug})
    assert "/accounts/login/" in client.get(ics)["Location"]
    client.force_login(educator)
    page = soup(client.get(url))
    assert "Register for the program to build your own schedule" in page.get_text()
    assert page.find("figure", class_="checkin-code") is None


# --- PD hours ----------------------------------------------------------------------------------


def test_transcript_hours_come_only_from_attended_sessions(summit, coordinator):
    from trec.transcripts.models import Credit

    keynote = breakout(summit, "Keynote", 8, pd_hours=Decimal("1"))
    workshop = breakout(summit, "Workshop", 9, minutes=120, pd_hours=Decimal("1.5"))
    skipped = breakout(summit, "Skipped", 13, pd_hours=Decimal("2"))
    registration = registered(summit)
    for session in (keynote, workshop, skipped):
        program_services.session_choose(registration=registration, session=session)
    # The day has come: arrival and attendance are marked from the start.
    for session in (keynote, workshop, skipped):
        session.starts_at -= datetime.timedelta(days=30)
        session.ends_at -= datetime.timedelta(days=30)
        session.save(update_fields=["starts_at", "ends_at"])
    event_saved(event=summit)
    program_services.registration_check_in(registration=registration, by=coordinator)
    assert not Credit.objects.exists()  # arriving earns nothing by itself

    for session in (keynote, workshop):
        program_services.session_attendance_mark(
            session=session,
            shown=[registration.pk],
            attended=[registration.pk],
            marked_by=coordinator,
        )

    credit = Credit.objects.get(user=registration.user)
    assert credit.hours == Decimal("2.5")
    program_services.session_attendance_mark(
        session=keynote, shown=[registration.pk], attended=[], marked_by=coordinator
    )
    credit.refresh_from_db()
    assert credit.hours == Decimal("1.5")


def test_private_feed_has_only_the_chosen_sessions_of_a_program(client, summit):
    keynote = breakout(summit, "Keynote", 8)
    breakout(summit, "Not chosen", 9)
    registration = registered(summit)
    other_program = factories.ProgramFactory(title="Spring Series")
    breakout(other_program, "Series part 1", 13)
    registered(other_program, registration.user)
    feed = reverse("accounts:calendar_feed", args=[registration.user.calendar_token])

    def summaries():
        calendar = Calendar.from_ical(client.get(feed).content)
        return sorted(str(e["summary"]) for e in calendar.walk("VEVENT"))

    # Nothing chosen yet: every session of the program, as for any event.
    assert summaries() == [
        "Spring Series: Series part 1",
        "TREC Educator Summit: Keynote",
        "TREC Educator Summit: Not chosen",
    ]
    program_services.session_choose(registration=registration, session=keynote)
    assert summaries() == ["Spring Series: Series part 1", "TREC Educator Summit: Keynote"]


@pytest.mark.parametrize("chosen", [1, 12])
def test_my_schedule_query_count_is_fixed(client, django_assert_num_queries, summit, chosen):
    registration = registered(summit)
    for hour in range(chosen):
        start = in_days(7, hour=6) + datetime.timedelta(minutes=50 * hour)
        session = factories.ProgramSessionFactory(
            event=summit, starts_at=start, ends_at=start + datetime.timedelta(minutes=45)
        )
        program_services.session_choose(registration=registration, session=session)
    client.force_login(registration.user)
    url = reverse("events:my_schedule", kwargs={"slug": summit.slug})
    # session, user, event, sessions, registration, choices
    with django_assert_num_queries(6):
        response = client.get(url)
    assert len(soup(response).select(".my-sessions li")) == chosen
