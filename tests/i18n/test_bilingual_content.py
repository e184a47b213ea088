"""Content in both languages where it is written and read: dates as each language writes
them (pages, subjects, PDFs share trec.formats.date_phrase), the Spanish side of the back
office (side-by-side fields, the "missing Spanish" filter) and calendar files."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from events.ical import build_calendar
from events.models import Event, EventSession
from tests import factories
from trec.formats import date_phrase

COOKIE = settings.LANGUAGE_COOKIE_NAME
PHOENIX = timezone.get_fixed_timezone(-7 * 60)  # Arizona keeps no daylight saving time
THURSDAY = datetime.datetime(2027, 1, 28, 16, 0, tzinfo=PHOENIX)


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


@pytest.mark.parametrize(
    ("style", "english", "spanish"),
    [
        (
            "weekday_date_time",
            "Thursday, January 28, 2027, 4:00 PM",
            "jueves, 28 de enero de 2027, 4:00 p. m.",
        ),
        ("short_date", "Jan 28, 2027", "28 ene 2027"),
        ("date", "January 28, 2027", "28 de enero de 2027"),
        ("short_weekday_month_day", "Thu, Jan 28", "jue, 28 ene"),
        ("time", "4:00 PM", "4:00 p. m."),
    ],
)
def test_dates_as_each_language_writes_them(style, english, spanish):
    moment = THURSDAY
    assert date_phrase(moment, style, language="en") == english
    assert date_phrase(moment, style, language="es") == spanish
    with translation.override("es"):
        assert date_phrase(moment, style) == spanish


def test_a_datetime_is_read_in_the_hubs_time_zone():
    utc = datetime.datetime(2027, 1, 29, 1, 30, tzinfo=datetime.UTC)  # 6:30 PM in Phoenix
    assert date_phrase(utc, "short_date_time", language="en") == "Jan 28, 2027, 6:30 PM"


@pytest.mark.django_db
def test_the_program_schedule_reads_in_spanish(client):
    start = THURSDAY
    event = factories.EventFactory(
        title="Educator Summit",
        title_es="Cumbre de educadores",
        kind=Event.Kind.PROGRAM,
        sessions=[],
    )
    EventSession.objects.create(
        event=event,
        title="Phonics that sticks",
        title_es="Fonética que perdura",
        location="Room 101",
        location_es="Salón 101",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        capacity=20,
    )
    EventSession.objects.create(
        event=event,
        title="Math talks",
        location="Room 102",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        capacity=20,
    )
    client.cookies[COOKIE] = "es"
    page = soup(client.get(reverse("events:schedule", args=[event.slug])))
    crumbs = [li.get_text(strip=True) for li in page.select(".breadcrumbs li")]
    assert crumbs[-1] == "Horario"
    titles = {h.get_text(strip=True): h.get("lang") for h in page.select(".session-card-title")}
    assert titles == {"Fonética que perdura": None, "Math talks": "en"}
    text = page.get_text(" ")
    assert "Salón 101" in text and "Room 101" not in text
    assert "4:00 p. m." in text


@pytest.mark.django_db
def test_calendar_files_carry_the_title_in_the_readers_language():
    event = factories.EventFactory(title="Reading Aloud", title_es="Lectura en voz alta")
    sessions = EventSession.objects.filter(event=event).select_related("event__provider")
    with translation.override("es"):
        spanish = Calendar.from_ical(build_calendar(sessions, name="TREC"))
    with translation.override("en"):
        english = Calendar.from_ical(build_calendar(sessions, name="TREC"))
    assert [str(e["summary"]) for e in spanish.walk("VEVENT")] == ["Lectura en voz alta"]
    assert [str(e["summary"]) for e in english.walk("VEVENT")] == ["Reading Aloud"]


@pytest.mark.django_db
def test_coordinators_find_listings_missing_spanish_and_edit_both_side_by_side(client):
    coordinator = factories.CoordinatorFactory()
    done = factories.EventFactory(
        title="Reading Aloud",
        title_es="Lectura en voz alta",
        summary_es="Lea todos los días.",
        description_es="## En español",
    )
    factories.EventFactory(title="Math Talks", title_es="Charlas de matemáticas")
    client.force_login(coordinator)
    changelist = reverse("admin:events_event_changelist")
    missing = soup(client.get(changelist + "?spanish=missing"))
    titles = [a.get_text() for a in missing.select("#result_list tbody th a")]
    assert titles == ["Math Talks"]
    complete = soup(client.get(changelist + "?spanish=complete"))
    assert [a.get_text() for a in complete.select("#result_list tbody th a")] == ["Reading Aloud"]
    assert soup(client.get(changelist)).find("a", href="?spanish=missing")

    form = soup(client.get(reverse("admin:events_event_change", args=[done.pk])))
    for field in ("title", "summary", "description"):
        row = form.select_one(f".form-row.field-{field}")
        assert row is not None and row.find(attrs={"name": f"{field}_es"}), field
    assert form.find("fieldset", class_="bilingual")
