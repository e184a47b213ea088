"""The roster: who is coming (by status, waiting list in order), check-in per session,
the CSV export and an e-mail to everyone registered. One page, a fixed number of queries."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse

from events.models import Attendance, Registration
from tests import factories
from tests.events.test_admin_scoping import soup
from tests.factories import in_days
from trec.accounts.models import GradeBand, User
from trec.notifications.models import Notification, StaffMessage
from trec.transcripts.models import Credit

Status = Registration.Status


@pytest.fixture
def provider(db):
    return factories.ProviderFactory(name="Tucson Values Teachers")


@pytest.fixture
def staff(provider):
    return factories.ProviderStaffFactory(provider=provider, first_name="Pat", last_name="Lee")


@pytest.fixture
def program(provider):
    """A two-session program with 3 seats: 2 confirmed, 1 pending, 2 waiting, 1 cancelled."""
    event = factories.EventFactory(
        provider=provider,
        title="Mentoring New Teachers",
        slug="mentoring-new-teachers",
        capacity=3,
        sessions=[(in_days(7), in_days(7, hour=18)), (in_days(14), in_days(14, hour=18))],
    )
    district = factories.DistrictFactory(name="Amphitheater Public Schools")
    school = factories.SchoolFactory(district=district, name="Rio Vista Elementary")
    people = {
        "ana": factories.EducatorFactory(
            first_name="Ana",
            last_name="Ruiz",
            email="ana@example.org",
            district=district,
            school=school,
            role=User.Role.COUNSELOR,
            grade_bands=list(GradeBand.objects.filter(code__in=["k-2", "3-5"])),
        ),
        "ben": factories.EducatorFactory(first_name="Ben", last_name="Ortiz"),
        "cy": factories.EducatorFactory(first_name="Cy", last_name="Pham"),
        "dee": factories.EducatorFactory(first_name="Dee", last_name="Quinn"),
        "eve": factories.EducatorFactory(first_name="=Eve", last_name="Stone"),
        "fay": factories.EducatorFactory(first_name="Fay", last_name="Tran"),
    }
    regs = {
        "ana": factories.RegistrationFactory(event=event, user=people["ana"]),
        "ben": factories.RegistrationFactory(event=event, user=people["ben"]),
        "cy": factories.RegistrationFactory(event=event, user=people["cy"], status=Status.PENDING),
        # Ticket numbers leave a gap (someone left the line): positions are still 1 and 2.
        "eve": factories.RegistrationFactory(
            event=event, user=people["eve"], status=Status.WAITLISTED, queue_number=7
        ),
        "dee": factories.RegistrationFactory(
            event=event, user=people["dee"], status=Status.WAITLISTED, queue_number=4
        ),
        "fay": factories.RegistrationFactory(
            event=event, user=people["fay"], status=Status.CANCELLED
        ),
    }
    event.regs = regs
    return event


def roster_url(event) -> str:
    return reverse("admin:events_event_roster", args=[event.pk])


def section(page, heading_id):
    return page.find(id=heading_id).find_parent("section")


@pytest.mark.django_db
def test_roster_groups_registrants_by_status(client, staff, program):
    client.force_login(staff)
    response = client.get(roster_url(program))
    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text(strip=True) == "Roster"
    assert page.select_one("#content h2").get_text(strip=True) == "Mentoring New Teachers"
    assert "2 of 3 seats taken" in page.get_text()

    confirmed = section(page, "confirmed-heading")
    names = [th.get_text(strip=True) for th in confirmed.select("tbody th[scope=row]")]
    assert names == ["Ben Ortiz", "Ana Ruiz"]
    ana = confirmed.find("th", string="Ana Ruiz").find_parent("tr").get_text(" ", strip=True)
    for fact in ("ana@example.org", "Counselor", "Amphitheater Public Schools", "Rio Vista"):
        assert fact in ana
    assert "K–2, 3–5" in ana

    assert "Cy Pham" in section(page, "pending-heading").get_text()
    waiting = section(page, "waiting-heading")
    lines = [
        [cell.get_text(strip=True) for cell in tr.find_all(["td", "th"])][:2]
        for tr in waiting.select("tbody tr")
    ]
    assert lines == [["1", "Dee Quinn"], ["2", "=Eve Stone"]]

    cancelled = section(page, "inactive-heading")
    assert cancelled.find("details") is not None and not cancelled.find("details").has_attr("open")
    assert "Fay Tran" in cancelled.get_text()

    # The event's change form and the changelist link here.
    assert (
        roster_url(program)
        in client.get(reverse("admin:events_event_change", args=[program.pk])).content.decode()
    )
    assert (
        roster_url(program) in client.get(reverse("admin:events_event_changelist")).content.decode()
    )


def start_sessions(event) -> None:
    """Move the event's sessions into the past: attendance is marked from their start."""
    for weeks_ago, session in zip((2, 1), event.sessions.order_by("starts_at"), strict=False):
        session.starts_at = in_days(-7 * weeks_ago)
        session.ends_at = in_days(-7 * weeks_ago, hour=18)
        session.save(update_fields=["starts_at", "ends_at"])


@pytest.mark.django_db
def test_check_in_per_session_records_attendance(client, staff, program):
    start_sessions(program)
    client.force_login(staff)
    first, second = program.sessions.order_by("starts_at")
    ana, ben = program.regs["ana"], program.regs["ben"]
    page = soup(client.get(roster_url(program)))
    boxes = page.select("input[type=checkbox][name=attended]")
    assert len(boxes) == 4  # 2 confirmed people x 2 sessions
    for box in boxes:  # every checkbox has a label a screen reader announces
        label = page.find("label", attrs={"for": box["id"]})
        assert label is not None and "attended" in label.get_text()
    shown = [box["value"] for box in boxes]

    response = client.post(
        roster_url(program),
        {"shown": shown, "attended": [f"{ana.pk}-{first.pk}", f"{ben.pk}-{first.pk}"]},
        follow=True,
    )
    assert "2 checked in, 0 unmarked" in soup(response).select_one(".messagelist").get_text()
    marks = set(Attendance.objects.values_list("registration_id", "session_id", "marked_by_id"))
    assert marks == {(ana.pk, first.pk, staff.pk), (ben.pk, first.pk, staff.pk)}
    page = soup(response)
    assert page.find("input", {"name": "attended", "value": f"{ana.pk}-{first.pk}"}).has_attr(
        "checked"
    )

    # Next session: Ben comes again, Ana's first check-in was a mistake.
    client.post(
        roster_url(program),
        {"shown": shown, "attended": [f"{ben.pk}-{first.pk}", f"{ben.pk}-{second.pk}"]},
    )
    assert set(Attendance.objects.values_list("registration_id", "session_id")) == {
        (ben.pk, first.pk),
        (ben.pk, second.pk),
    }


@pytest.mark.django_db
def test_check_in_for_a_session_weeks_ahead_is_refused_and_credits_no_hours(client, staff, program):
    client.force_login(staff)
    first = program.sessions.order_by("starts_at").first()
    cell = f"{program.regs['ana'].pk}-{first.pk}"
    response = client.post(roster_url(program), {"shown": [cell], "attended": [cell]}, follow=True)
    message = soup(response).select_one(".messagelist .error").get_text()
    assert "has not started yet" in message and "Nothing was saved." in message
    assert not Attendance.objects.exists()
    assert not Credit.objects.exists()


@pytest.mark.django_db
def test_check_in_ignores_people_not_confirmed_and_other_events(client, staff, program):
    client.force_login(staff)
    session = program.sessions.first()
    elsewhere = factories.RegistrationFactory(event=factories.EventFactory())
    other_session = elsewhere.event.sessions.get()
    sneaky = [
        f"{program.regs['dee'].pk}-{session.pk}",  # waiting, not confirmed
        f"{elsewhere.pk}-{other_session.pk}",  # another provider's event
        f"{program.regs['ana'].pk}-{other_session.pk}",  # a session of another event
        "not-a-pair",
    ]
    response = client.post(roster_url(program), {"shown": sneaky, "attended": sneaky})
    assert response.status_code == 302
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_roster_csv_export(client, staff, program):
    Attendance.objects.create(
        registration=program.regs["ana"], session=program.sessions.first(), marked_by=staff
    )
    client.force_login(staff)
    response = client.get(reverse("admin:events_event_roster_csv", args=[program.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="roster-mentoring-new-teachers.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "name",
        "email",
        "status",
        "waitlist position",
        "role",
        "district",
        "school",
        "grade bands",
        "attended sessions",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Ana Ruiz"] == [
        "Ana Ruiz",
        "ana@example.org",
        "Confirmed",
        "",
        "Counselor",
        "Amphitheater Public Schools",
        "Rio Vista Elementary",
        "K–2, 3–5",
        "1",
    ]
    assert by_name["Dee Quinn"][2:4] == ["On the waiting list", "1"]
    # A name that starts like a formula is made harmless for spreadsheets.
    assert by_name["'=Eve Stone"][2:4] == ["On the waiting list", "2"]
    assert [row[0] for row in rows[1:]] == [
        "Ben Ortiz",
        "Ana Ruiz",
        "Cy Pham",
        "Dee Quinn",
        "'=Eve Stone",
        "Fay Tran",
    ]


@pytest.mark.django_db
def test_email_all_registrants(client, staff, program, django_capture_on_commit_callbacks):
    client.force_login(staff)
    email_url = reverse("admin:events_event_roster_email", args=[program.pk])
    assert email_url in client.get(roster_url(program)).content.decode()
    page = client.get(email_url).content.decode()
    assert "Everyone registered, waiting or awaiting approval (5)" in page
    assert "Confirmed registrants (2)" in page

    response = client.post(email_url, {"subject": "", "body": ""})
    assert response.status_code == 200 and mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            email_url,
            {"subject": "Parking for Tuesday", "body": "Use the north lot; bring your badge."},
            follow=True,
        )
    assert "sent to 5 registrants" in soup(response).select_one(".messagelist").get_text()
    active = {r.user.email for key, r in program.regs.items() if key != "fay"}
    assert {m.to[0] for m in mail.outbox} == active
    message = mail.outbox[0]
    assert message.subject == "Parking for Tuesday"
    assert "Use the north lot" in message.body
    assert "Use the north lot" in message.alternatives[0][0]
    assert "Pat Lee" in message.body


@pytest.mark.django_db
def test_staff_choose_the_audience_preview_test_and_see_the_log(
    client, staff, program, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    email_url = reverse("admin:events_event_roster_email", args=[program.pk])
    typed = {
        "subject": "Room change",
        "body": "We meet in **Room 12**, see [map](https://x.org/m).",
    }

    # Preview: the message as it will look; nothing saved, nothing sent.
    page = client.post(email_url, {**typed, "audience": "confirmed", "step": "preview"})
    assert page.status_code == 200
    preview = soup(page).select_one("iframe")["srcdoc"]
    assert "<strong>Room 12</strong>" in preview and 'href="https://x.org/m"' in preview
    assert "Room change" in soup(page).select_one("input[name=subject]")["value"]
    assert not StaffMessage.objects.exists() and not Notification.objects.exists()

    # A test goes to the sender only, and the typed text stays in the form.
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(email_url, {**typed, "audience": "confirmed", "step": "test"})
    assert [m.to for m in mail.outbox] == [[staff.email]]
    assert "We meet in **Room 12**" in page.content.decode()

    # Sent to the confirmed registrants only: Markdown as HTML, clean text, Reply-To.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(email_url, {**typed, "audience": "confirmed"}, follow=True)
    confirmed = {program.regs["ana"].user.email, program.regs["ben"].user.email}
    assert {m.to[0] for m in mail.outbox} == confirmed
    message = mail.outbox[0]
    assert message.reply_to == [program.provider.contact_email]
    assert "We meet in Room 12, see map (https://x.org/m)." in message.body
    assert "**" not in message.body and "&lt;" not in message.body
    assert f"http://127.0.0.1:8000{program.get_absolute_url()}" in message.body
    assert "<strong>Room 12</strong>" in message.alternatives[0][0]
    assert "Your message was sent to 2 registrants" in soup(response).get_text()
    # The log: what was sent, by whom, to whom, and whether it went.
    page = soup(client.get(email_url))
    log = page.select_one("#log-heading").find_parent("section").get_text(" ")
    assert "Confirmed registrants" in log and "A test to myself" in log
    assert "ana@example.org — Sent" in log


@pytest.mark.django_db
@pytest.mark.parametrize("registrants", [1, 20])
def test_roster_query_count_does_not_grow_with_registrants(
    client, staff, provider, registrants, django_assert_num_queries
):
    """Guards the N+1s of reading each registrant's user, district, school, grade bands,
    waiting-list position and attendance."""
    event = factories.EventFactory(
        provider=provider, sessions=[(in_days(3), in_days(3, hour=18))] * 1
    )
    session = event.sessions.get()
    for n in range(registrants):
        status = Status.WAITLISTED if n % 4 == 3 else Status.CONFIRMED
        registration = factories.RegistrationFactory(
            event=event, status=status, queue_number=n if status == Status.WAITLISTED else None
        )
        if status == Status.CONFIRMED:
            Attendance.objects.create(registration=registration, session=session)
    client.force_login(staff)
    # session, user, groups (coordinator?), memberships (scope), event, permissions (2),
    # sessions, registrations, grade bands, attendance, feedback survey (surveys app)
    with django_assert_num_queries(12):
        assert client.get(roster_url(event)).status_code == 200
    with django_assert_num_queries(11):
        assert (
            client.get(reverse("admin:events_event_roster_csv", args=[event.pk])).status_code == 200
        )
