"""The check-in desk for programs: search and one-tap check-in, the QR code in the
confirmation e-mail (a signed URL; forged or other events' codes refused), per-session
attendance, and who may use any of it."""

import datetime

import pytest
from auditlog.models import LogEntry
from bs4 import BeautifulSoup
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import Attendance, Event, Registration
from events.programs import services as program_services
from events.programs.checkin import checkin_path, checkin_token, qr_png
from events.services import event_saved, registration_create
from tests import factories
from tests.factories import in_days
from trec.mail import absolute_url
from trec.transcripts.models import Credit

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


@pytest.fixture
def provider(db):
    return factories.ProviderFactory(name="TREC Collaborative")


@pytest.fixture
def staff(provider):
    return factories.ProviderStaffFactory(provider=provider)


@pytest.fixture
def summit(provider):
    event = factories.ProgramFactory(
        provider=provider, title="TREC Educator Summit", slug="trec-educator-summit"
    )
    start = timezone.now()  # the desk is open: the program starts today
    factories.ProgramSessionFactory(
        event=event, title="Keynote", starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )
    return event


def register(event, **names):
    user = factories.EducatorFactory(**names)
    return registration_create(event=event, user=user).registration


# --- Who may use the desk ---------------------------------------------------------------------


def desk_urls(event, registration):
    session = event.sessions.get()
    return [
        ("get", reverse("events:check_in", kwargs={"slug": event.slug})),
        ("get", reverse("events:check_in_scan", kwargs={"slug": event.slug})),
        ("get", checkin_path(registration)),
        (
            "get",
            reverse(
                "events:session_attendance",
                kwargs={"slug": event.slug, "session_id": session.pk},
            ),
        ),
        (
            "post",
            reverse(
                "events:check_in_mark",
                kwargs={"slug": event.slug, "registration_id": registration.pk},
            ),
        ),
    ]


@pytest.mark.parametrize(
    "who, expected",
    [
        ("anonymous", 302),
        ("educator", 403),
        ("other_provider", 403),
        ("own_provider", 200),
        ("coordinator", 200),
    ],
)
def test_check_in_pages_are_for_coordinators_and_the_events_provider_staff(
    client, summit, staff, coordinator, who, expected
):
    registration = register(summit)
    users = {
        "anonymous": None,
        "educator": registration.user,
        "other_provider": factories.ProviderStaffFactory(),
        "own_provider": staff,
        "coordinator": coordinator,
    }
    if users[who] is not None:
        client.force_login(users[who])
    for method, url in desk_urls(summit, registration):
        response = getattr(client, method)(url)
        status = response.status_code
        if method == "post" and expected == 200:
            assert status == 302 and response["Location"].startswith(
                reverse("events:check_in", kwargs={"slug": summit.slug})
            )
        else:
            assert status == expected, (who, url)
        if who == "anonymous":
            assert "/accounts/login/" in response["Location"]
    registration.refresh_from_db()
    assert (registration.checked_in_at is not None) == (expected == 200)


def test_other_providers_draft_program_desk_is_not_found(client, summit):
    summit.status = Event.Status.DRAFT
    summit.save()
    client.force_login(factories.ProviderStaffFactory())
    assert client.get(reverse("events:check_in", kwargs={"slug": summit.slug})).status_code == 404


def test_ordinary_events_have_no_check_in_desk(client, coordinator):
    event = factories.EventFactory()
    client.force_login(coordinator)
    assert client.get(reverse("events:check_in", kwargs={"slug": event.slug})).status_code == 404


def test_event_page_links_staff_to_the_desk(client, summit, staff):
    client.force_login(staff)
    page = soup(client.get(summit.get_absolute_url()))
    link = page.find("a", string="Check-in desk")
    assert link["href"] == reverse("events:check_in", kwargs={"slug": summit.slug})


# --- Search and one tap ------------------------------------------------------------------------


def test_search_by_name_or_email_then_check_in_with_one_tap(client, summit, staff):
    ana = register(summit, first_name="Ana", last_name="Lopez", email="ana@school.example.org")
    register(summit, first_name="Ben", last_name="Ortiz", email="ben@school.example.org")
    cancelled = register(summit, first_name="Ana", last_name="Gone")
    cancelled.status = Registration.Status.CANCELLED
    cancelled.save()
    client.force_login(staff)
    url = reverse("events:check_in", kwargs={"slug": summit.slug})

    page = soup(client.get(url, {"q": "ana lop"}))
    rows = page.select(".checkin-row")
    assert [row.find("strong").get_text() for row in rows] == ["Ana Lopez"]
    assert "0 of 2 registered educators checked in." in page.get_text()
    by_email = soup(client.get(url, {"q": "BEN@school"})).select(".checkin-row")
    assert [row.find("strong").get_text() for row in by_email] == ["Ben Ortiz"]

    form = rows[0].find("form")
    response = client.post(form["action"], {"q": "ana lop"}, follow=True)

    page = soup(response)
    assert "Ana Lopez is checked in." in page.get_text()
    assert "1 of 2 registered educators checked in." in page.get_text()
    assert page.select_one(".checkin-row.is-checked-in .badge").get_text().startswith("Checked in")
    ana.refresh_from_db()
    assert ana.checked_in_at is not None and ana.checked_in_by == staff
    client.post(form["action"], {"undo": "1"})
    ana.refresh_from_db()
    assert ana.checked_in_at is None


@pytest.mark.parametrize("people", [1, 25])
def test_desk_query_count_is_fixed(client, django_assert_num_queries, summit, staff, people):
    for _ in range(people):
        register(summit)
    client.force_login(staff)
    url = reverse("events:check_in", kwargs={"slug": summit.slug})
    # event, session, user, coordinator group, memberships, registrations, counts, sessions
    with django_assert_num_queries(8):
        response = client.get(url)
    assert len(soup(response).select(".checkin-row")) == people


# --- The QR code ---------------------------------------------------------------------------------


def test_confirmation_email_carries_a_qr_code_of_the_signed_check_in_url(
    summit, django_capture_on_commit_callbacks
):
    educator = factories.EducatorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_create(event=summit, user=educator).registration

    (message,) = [m for m in mail.outbox if m.to == [educator.email]]
    attachments = {a.filename: a for a in message.attachments}
    qr = attachments["check-in-code.png"]
    assert qr.mimetype == "image/png"
    assert qr.content == qr_png(absolute_url(checkin_path(registration)))
    assert "show the QR code attached (check-in-code.png)" in message.body
    assert reverse("events:my_schedule", kwargs={"slug": summit.slug}) in message.body


def test_ordinary_confirmation_has_no_qr_code(django_capture_on_commit_callbacks):
    event = factories.EventFactory()
    educator = factories.EducatorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registration_create(event=event, user=educator)
    (message,) = [m for m in mail.outbox if m.to == [educator.email]]
    assert [a.filename for a in message.attachments] == [f"{event.slug}.ics"]
    assert "QR code" not in message.body


def test_staff_open_the_qr_url_and_check_the_person_in(client, summit, staff):
    registration = register(summit, first_name="Rosa", last_name="Diaz")
    client.force_login(staff)
    url = checkin_path(registration)

    page = soup(client.get(url))
    assert page.h1.get_text(strip=True) == "Check in Rosa Diaz"
    registration.refresh_from_db()
    assert registration.checked_in_at is None  # opening the page changes nothing

    response = client.post(url, follow=True)
    assert "Rosa Diaz is checked in." in soup(response).get_text()
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    again = client.post(url, follow=True)
    assert "Rosa Diaz was already checked in." in soup(again).get_text()


def test_forged_altered_or_other_events_codes_are_refused(client, summit, staff):
    registration = register(summit)
    other_summit = factories.ProgramFactory(provider=summit.provider)
    other = register(other_summit)
    client.force_login(staff)
    good = checkin_token(registration)
    value, signature = good.rsplit(":", 1)
    forged = [
        f"{summit.pk}-{registration.pk}:{'A' * len(signature)}",  # made-up signature
        f"{summit.pk}-{other.pk}:{signature}",  # someone else's id, same signature
        checkin_token(other),  # a genuine code for another event
        "nonsense",
    ]
    for token in forged:
        url = reverse("events:check_in_token", kwargs={"slug": summit.slug, "token": token})
        response = client.post(url)
        assert response.status_code == 400, token
        assert "This check-in code is not valid" in soup(response).h1.get_text()
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()


def test_scanner_page_recognises_this_events_codes_and_works_without_javascript(
    client, summit, staff
):
    registration = register(summit)
    client.force_login(staff)
    page = soup(client.get(reverse("events:check_in_scan", kwargs={"slug": summit.slug})))
    scanner = page.find(attrs={"data-checkin-scan": True})
    assert checkin_path(registration).startswith(scanner["data-prefix"])
    assert scanner["data-prefix"] == f"/events/{summit.slug}/check-in/code/"
    assert scanner.find("button").has_attr("hidden")  # shown by the script only
    assert "camera app" in page.get_text()
    script = page.find("script", src=True, string=None, attrs={"src": lambda s: "scan" in s})
    assert script is not None and not page.find("script", src=False)


# --- Session attendance ------------------------------------------------------------------------


def test_session_attendance_lists_choosers_first_and_saves_ticks(client, summit, staff):
    session = summit.sessions.get()
    walk_in = register(summit, first_name="Aaron", last_name="Able")
    chooser = register(summit, first_name="Zoe", last_name="Zee")
    program_services.session_choose(registration=chooser, session=session)
    client.force_login(staff)
    url = reverse(
        "events:session_attendance", kwargs={"slug": summit.slug, "session_id": session.pk}
    )

    session.starts_at = in_days(-1, hour=9)  # attendance is marked from the start
    session.save(update_fields=["starts_at"])
    page = soup(client.get(url))
    rows = page.select(".checkin-row")
    assert [row.label.get_text(" ", strip=True).split(" ")[0] for row in rows] == ["Zoe", "Aaron"]
    assert "Chose this session" in rows[0].get_text()
    assert rows[0].find("input", type="checkbox").find_parent("label") is not None

    client.post(url, {"shown": [walk_in.pk, chooser.pk], "attended": [chooser.pk, walk_in.pk]})
    assert set(Attendance.objects.values_list("registration_id", flat=True)) == {
        walk_in.pk,
        chooser.pk,
    }
    client.post(url, {"shown": [walk_in.pk], "attended": []})
    assert list(Attendance.objects.values_list("registration_id", flat=True)) == [chooser.pk]
    page = soup(client.get(url))
    ticked = [
        r.label.get_text(" ", strip=True)
        for r in page.select(".checkin-row")
        if r.find("input", checked=True)
    ]
    assert len(ticked) == 1 and ticked[0].startswith("Zoe")


@pytest.mark.parametrize("people", [1, 25])
def test_session_attendance_query_count_is_fixed(
    client, django_assert_num_queries, summit, staff, people
):
    session = summit.sessions.get()
    for _ in range(people):
        program_services.session_choose(registration=register(summit), session=session)
    client.force_login(staff)
    url = reverse(
        "events:session_attendance", kwargs={"slug": summit.slug, "session_id": session.pk}
    )
    # event, session, user, coordinator group, memberships, the session, registrations
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(soup(response).select(".checkin-row")) == people


# --- Attendance only from the session's start -----------------------------------------------


def attendance_url(event):
    session = event.sessions.get()
    return reverse(
        "events:session_attendance", kwargs={"slug": event.slug, "session_id": session.pk}
    )


def start_next_week(event) -> None:
    event.sessions.update(starts_at=in_days(7, hour=9), ends_at=in_days(7, hour=10))
    event_saved(event=event)


def test_arrival_is_checked_in_from_the_day_the_program_starts(client, summit, staff):
    start_next_week(summit)
    person = register(summit, first_name="Rosa", last_name="Diaz")
    client.force_login(staff)
    response = client.post(checkin_path(person), follow=True)
    assert "Check-in opens on" in soup(response).get_text()
    person.refresh_from_db()
    assert person.checked_in_at is None


def test_attendance_for_a_session_that_has_not_started_is_refused_and_credits_no_hours(
    client, summit, staff
):
    start_next_week(summit)
    person = register(summit, first_name="Ana")
    client.force_login(staff)
    page = soup(client.get(attendance_url(summit)))
    assert page.find("input", {"name": "override"}) is None  # provider staff cannot override

    response = client.post(
        attendance_url(summit),
        {"shown": [person.pk], "attended": [person.pk], "override": "1"},
        follow=True,
    )
    assert response.status_code == 403
    response = client.post(
        attendance_url(summit), {"shown": [person.pk], "attended": [person.pk]}, follow=True
    )
    message = soup(response).select_one(".messages, [role=alert], .messagelist")
    assert "Keynote has not started yet" in response.content.decode()
    assert "Nothing was saved." in response.content.decode()
    assert message is not None
    assert not Attendance.objects.exists()
    assert not Credit.objects.filter(user=person.user).exists()
    assert not LogEntry.objects.filter(
        additional_data__step__in=["check_in", "check_in_override"]
    ).exists()


def test_a_coordinator_may_override_and_the_override_is_logged(client, summit):
    start_next_week(summit)
    person = register(summit, first_name="Ana")
    coordinator = factories.CoordinatorFactory()
    client.force_login(coordinator)
    page = soup(client.get(attendance_url(summit)))
    assert page.find("input", {"name": "override", "type": "checkbox"}) is not None

    response = client.post(
        attendance_url(summit),
        {"shown": [person.pk], "attended": [person.pk], "override": "1"},
        follow=True,
    )
    assert "Attendance saved: 1 added, 0 removed." in response.content.decode()
    assert list(Attendance.objects.values_list("registration_id", "marked_by_id")) == [
        (person.pk, coordinator.pk)
    ]
    assert Credit.objects.filter(user=person.user).exists()
    # In the event's History in the back office (the audit trail, trec.audit).
    entry = LogEntry.objects.get(additional_data__step="check_in_override")
    session = summit.sessions.get()
    assert (entry.actor, entry.content_type.model, entry.object_id) == (
        coordinator,
        "event",
        summit.pk,
    )
    assert entry.additional_data["note"] == (
        f"Attendance marked before the start of {session} (coordinator override), people marked: 1."
    )
    checked_in = LogEntry.objects.get(additional_data__step="check_in")
    assert checked_in.actor == coordinator
    assert list(checked_in.changes.values()) == [["", "✓"]]
    history = client.get(reverse("admin:events_event_history", args=[summit.pk]))
    assert "(coordinator override), people marked: 1." in history.content.decode()
