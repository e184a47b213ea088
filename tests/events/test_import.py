"""Bulk import of events from CSV or XLSX: a dry run shows each row's errors, a batch
with any bad row saves nothing, imported events wait for review, and provider staff
import only for their own organisation."""

import io
import tempfile
import uuid
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Topic
from tests import factories
from tests.events.test_admin_scoping import soup

IMPORT_URL = "admin:events_event_import"
PROCESS_URL = "admin:events_event_process_import"
CSV_FORMAT, XLSX_FORMAT = "0", "1"

HEADER = (
    "title,summary,kind,format,language,cost,pd_hours,capacity,registration_mode,"
    "external_registration_url,venue_name,topics,grade_bands,session_start,session_end"
)
GOOD_ROWS = [
    "Trauma-Informed Classrooms,Practical steps for calmer rooms.,event,in_person,en,0,3,30,hub,,"
    "Pima County Library,Social-emotional learning;Early literacy,k-2;3-5,"
    "2026-12-03 15:30,2026-12-03 18:30",
    "Bilingual Storytime (webinar),Read-alouds in two languages.,webinar,virtual,bilingual,15,1.5,,"
    "external,https://example.org/storytime,,Early literacy,birth-prek,"
    "2026-12-10T16:00,2026-12-10T17:00",
]


@pytest.fixture
def topics(db):
    return [
        factories.TopicFactory(name="Social-emotional learning"),
        factories.TopicFactory(name="Early literacy"),
    ]


@pytest.fixture
def provider(db):
    return factories.ProviderFactory(name="Ben's Bells", slug="bens-bells")


@pytest.fixture
def other_provider(db):
    return factories.ProviderFactory(name="Project ECHO", slug="project-echo")


@pytest.fixture
def staff(provider):
    return factories.ProviderStaffFactory(provider=provider)


def csv_file(*lines: str, header: str = HEADER) -> SimpleUploadedFile:
    content = "\n".join([header, *lines]).encode()
    return SimpleUploadedFile("events.csv", content, content_type="text/csv")


def dry_run(client, upload, fmt=CSV_FORMAT):
    response = client.post(
        reverse(IMPORT_URL), {"resource": "0", "format": fmt, "import_file": upload}
    )
    assert response.status_code == 200
    return response


def confirm(client, response):
    """Press "Confirm import" on the preview page."""
    form = soup(response).find("form", action=reverse(PROCESS_URL))
    assert form is not None, "no confirm step: the dry run found errors"
    data = {i["name"]: i.get("value", "") for i in form.find_all("input") if i.get("name")}
    return client.post(reverse(PROCESS_URL), data, follow=True)


def row_errors(response) -> str:
    section = soup(response).select_one(".import-row-errors")
    assert section is not None, "no row errors shown"
    return section.get_text(" ", strip=True)


@pytest.mark.django_db
def test_provider_staff_import_a_valid_csv(client, staff, provider, topics):
    client.force_login(staff)
    page = client.get(reverse(IMPORT_URL))
    assert page.status_code == 200
    assert reverse("admin:events_event_import_template") in page.content.decode()

    preview = dry_run(client, csv_file(*GOOD_ROWS))
    assert "Trauma-Informed Classrooms" in soup(preview).select_one("table.import-preview").text
    assert Event.objects.count() == 0, "the dry run saves nothing"

    response = confirm(client, preview)
    assert "Imported 2 events" in soup(response).select_one(".messagelist").get_text()

    first = Event.objects.get(title="Trauma-Informed Classrooms")
    assert first.provider == provider
    assert first.status == Event.Status.SUBMITTED
    assert first.created_by == staff
    assert first.slug == "trauma-informed-classrooms"
    assert (first.kind, first.format, first.capacity) == ("event", "in_person", 30)
    assert {t.name for t in first.topics.all()} == {"Social-emotional learning", "Early literacy"}
    assert sorted(first.grade_bands.values_list("code", flat=True)) == ["3-5", "k-2"]
    session = first.sessions.get()
    start = timezone.localtime(session.starts_at)
    assert (start.date().isoformat(), start.hour, start.minute) == ("2026-12-03", 15, 30)
    assert str(start.tzinfo) == "America/Phoenix"
    assert first.starts_at == session.starts_at and first.ends_at == session.ends_at

    second = Event.objects.get(title="Bilingual Storytime (webinar)")
    assert second.capacity is None
    assert second.registration_mode == Event.RegistrationMode.EXTERNAL
    assert second.external_registration_url == "https://example.org/storytime"
    assert second.cost == 15


BAD_ROWS = {
    "unknown topic": (
        "Robotics Night,Build a bot.,event,in_person,en,0,2,,hub,,,Underwater basket weaving,"
        "6-8,2026-12-05 17:00,2026-12-05 19:00",
        "Unknown topic: Underwater basket weaving.",
    ),
    "end before start": (
        "Robotics Night,Build a bot.,event,in_person,en,0,2,,hub,,,Early literacy,"
        "6-8,2026-12-05 17:00,2026-12-05 16:00",
        "The session must end after it starts.",
    ),
    "unknown grade band": (
        "Robotics Night,Build a bot.,event,in_person,en,0,2,,hub,,,Early literacy,"
        "7-9,2026-12-05 17:00,2026-12-05 19:00",
        "Unknown grade band: 7-9.",
    ),
    "bad kind": (
        "Robotics Night,Build a bot.,party,in_person,en,0,2,,hub,,,Early literacy,"
        "6-8,2026-12-05 17:00,2026-12-05 19:00",
        "“party” is not one of: event, webinar, program, on_demand.",
    ),
    "external without a link": (
        "Robotics Night,Build a bot.,event,in_person,en,0,2,,external,,,Early literacy,"
        "6-8,2026-12-05 17:00,2026-12-05 19:00",
        "Add the address of the page where educators register.",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("problem", BAD_ROWS)
def test_one_bad_row_is_reported_and_nothing_is_saved(client, staff, topics, problem):
    bad, message = BAD_ROWS[problem]
    client.force_login(staff)
    response = dry_run(client, csv_file(GOOD_ROWS[0], bad, GOOD_ROWS[1]))
    page = soup(response)
    errors = row_errors(response)
    assert "Nothing was imported: 1 row has errors" in errors
    [row] = page.select(".import-row-errors > ul > li")
    assert row.strong.get_text(strip=True) == "Row 2 (line 3 of the file)"
    assert message in row.get_text(" ", strip=True)
    assert page.find("form", action=reverse(PROCESS_URL)) is None, "no way to confirm"
    assert Event.objects.count() == 0


@pytest.mark.django_db
def test_a_batch_that_went_bad_after_the_preview_is_rolled_back_whole(client, staff, topics):
    client.force_login(staff)
    preview = dry_run(client, csv_file(*GOOD_ROWS))
    # Between the preview and the confirmation, a coordinator deletes a topic the rows use.
    Topic.objects.filter(name="Early literacy").delete()
    response = confirm(client, preview)
    assert "Nothing was imported" in soup(response).select_one(".messagelist").get_text()
    assert Event.objects.count() == 0


@pytest.mark.django_db
def test_provider_staff_cannot_import_for_another_provider(
    client, staff, provider, other_provider, topics
):
    client.force_login(staff)
    header = f"provider,{HEADER}"
    response = dry_run(
        client,
        csv_file(f"bens-bells,{GOOD_ROWS[0]}", f"Project ECHO,{GOOD_ROWS[1]}", header=header),
    )
    errors = row_errors(response)
    assert "“Project ECHO” is not one of your organisations" in errors
    assert "you can import for: Ben's Bells" in errors
    assert Event.objects.count() == 0
    assert not Event.objects.filter(provider=other_provider).exists()


@pytest.mark.django_db
def test_coordinators_name_the_provider_in_each_row(
    client, coordinator, provider, other_provider, topics
):
    client.force_login(coordinator)
    missing = dry_run(client, csv_file(GOOD_ROWS[0]))
    assert "Name the provider" in row_errors(missing)

    header = f"provider,{HEADER}"
    unknown = dry_run(client, csv_file(f"Nobody Inc,{GOOD_ROWS[0]}", header=header))
    assert "No provider is called “Nobody Inc”." in row_errors(unknown)

    preview = dry_run(
        client,
        csv_file(f"project-echo,{GOOD_ROWS[0]}", f"ben's bells,{GOOD_ROWS[1]}", header=header),
    )
    confirm(client, preview)
    assert Event.objects.get(title="Trauma-Informed Classrooms").provider == other_provider
    assert Event.objects.get(title="Bilingual Storytime (webinar)").provider == provider
    # Coordinators approve imported listings afterwards, like any other.
    assert set(Event.objects.values_list("status", flat=True)) == {Event.Status.SUBMITTED}


@pytest.mark.django_db
def test_xlsx_import_with_date_cells(client, staff, provider, topics):
    import datetime

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["title", "summary", "kind", "topics", "capacity", "session_start", "session_end"])
    sheet.append(
        [
            "Math Circles",
            "Puzzles that build number sense.",
            "Program",  # labels work as well as values
            "early literacy",  # names match whatever their case
            12,
            # Spreadsheet cells carry no time zone: read as Arizona time.
            datetime.datetime(2027, 1, 14, 16, 0),  # noqa: DTZ001
            datetime.datetime(2027, 1, 14, 17, 30),  # noqa: DTZ001
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile(
        "events.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    client.force_login(staff)
    confirm(client, dry_run(client, upload, fmt=XLSX_FORMAT))
    event = Event.objects.get(title="Math Circles")
    assert (event.kind, event.capacity, event.provider) == ("program", 12, provider)
    assert [t.name for t in event.topics.all()] == ["Early literacy"]
    start = timezone.localtime(event.sessions.get().starts_at)
    assert (start.year, start.month, start.day, start.hour) == (2027, 1, 14, 16)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["staff", "coordinator"])
def test_the_example_file_imports_cleanly(client, who, staff, coordinator, provider, topics):
    client.force_login(staff if who == "staff" else coordinator)
    example = client.get(reverse("admin:events_event_import_template"))
    assert example.status_code == 200
    assert example["Content-Type"] == "text/csv; charset=utf-8"
    upload = SimpleUploadedFile("example.csv", example.content, content_type="text/csv")
    response = confirm(client, dry_run(client, upload))
    assert "Imported 2 events" in soup(response).select_one(".messagelist").get_text()
    assert Event.objects.filter(provider=provider).count() == 2
    circles = Event.objects.get(title="Restorative circles in the K–5 classroom")
    assert list(circles.sessions.order_by("starts_at").values_list("title_es", flat=True)) == [
        "Práctica de círculos",
        "Práctica de círculos, parte 2",
    ]


# --- The confirmation reads only the person's own upload (issue 15, item 8) ---------


def confirm_data(response) -> dict:
    form = soup(response).find("form", action=reverse(PROCESS_URL))
    return {i["name"]: i.get("value", "") for i in form.find_all("input") if i.get("name")}


@pytest.fixture
def bystander_file():
    """A file in the server's temp directory that is nobody's import."""
    path = Path(tempfile.gettempdir()) / f"trec-bystander-{uuid.uuid4().hex}"
    path.write_text("keep me")
    yield path
    path.unlink(missing_ok=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "forged",
    [
        "../{bystander}",
        "{bystander}",
        "/tmp/{bystander}",  # noqa: S108 - the attack names the temp directory
        "no-such-upload",
        "0123456789abcdef0123456789abcdef",
        "",
    ],
)
def test_a_client_chosen_file_name_is_refused_and_touches_nothing(
    client, staff, topics, bystander_file, forged
):
    client.force_login(staff)
    data = confirm_data(dry_run(client, csv_file(*GOOD_ROWS)))
    data["import_file_name"] = forged.format(bystander=bystander_file.name)
    response = client.post(reverse(PROCESS_URL), data)
    assert response.status_code == 400
    page = soup(response).find(id="content-main").get_text(" ", strip=True)
    assert "This upload is no longer available" in page or "This field is required" in page
    assert bystander_file.read_text() == "keep me"
    assert Event.objects.count() == 0


@pytest.mark.django_db
def test_another_persons_upload_cannot_be_confirmed(client, staff, provider, topics):
    client.force_login(staff)
    data = confirm_data(dry_run(client, csv_file(*GOOD_ROWS)))
    colleague = factories.ProviderStaffFactory(provider=provider)
    client.force_login(colleague)
    assert client.post(reverse(PROCESS_URL), data).status_code == 400
    client.force_login(staff)  # the upload is still there for its owner
    assert client.post(reverse(PROCESS_URL), data).status_code == 302
    assert Event.objects.count() == 2


@pytest.mark.django_db
def test_a_confirmation_sent_twice_imports_once(client, staff, topics):
    client.force_login(staff)
    data = confirm_data(dry_run(client, csv_file(*GOOD_ROWS)))
    assert client.post(reverse(PROCESS_URL), data).status_code == 302
    again = client.post(reverse(PROCESS_URL), data)
    assert again.status_code == 400
    assert "Upload the file again" in again.content.decode()
    assert Event.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("field, value", [("format", "7"), ("format", "csv"), ("resource", "3")])
def test_a_forged_format_or_resource_is_a_400(client, staff, topics, field, value):
    client.force_login(staff)
    data = confirm_data(dry_run(client, csv_file(*GOOD_ROWS)))
    data[field] = value
    assert client.post(reverse(PROCESS_URL), data).status_code == 400
    assert Event.objects.count() == 0


@pytest.mark.django_db
def test_spanish_columns_fill_the_spanish_texts_of_the_event_and_its_session(
    client, staff, provider, topics
):
    header = (
        "title,title_es,summary,summary_es,description,description_es,kind,format,language,"
        "registration_mode,session_start,session_end,session_title,session_title_es,"
        "session_location,session_location_es"
    )
    row = (
        "Family math nights,Noches de matemáticas en familia,Games to take home.,"
        'Juegos para llevar a casa.,"## What you will learn\n\n- Games","## Lo que aprenderá\n\n'
        '- Juegos",event,in_person,bilingual,hub,2026-12-03 15:30,2026-12-03 18:30,'
        "Opening,Apertura,Room 4,Salón 4"
    )
    client.force_login(staff)
    response = confirm(client, dry_run(client, csv_file(row, header=header)))
    assert "Imported 1 event" in soup(response).select_one(".messagelist").get_text()
    event = Event.objects.get()
    assert (event.title_es, event.summary_es) == (
        "Noches de matemáticas en familia",
        "Juegos para llevar a casa.",
    )
    assert event.description_es.startswith("## Lo que aprenderá")
    session = event.sessions.get()
    assert (session.title, session.title_es, session.location, session.location_es) == (
        "Opening",
        "Apertura",
        "Room 4",
        "Salón 4",
    )


@pytest.mark.django_db
def test_a_session_text_without_a_session_is_a_row_error(client, staff, provider, topics):
    client.force_login(staff)
    header = "title,summary,kind,format,language,registration_mode,session_location_es"
    response = dry_run(
        client, csv_file("Recorded talk,Watch it.,on_demand,virtual,en,hub,Sala 1", header=header)
    )
    assert "Give the session's start and end too." in row_errors(response)
    assert Event.objects.count() == 0


# --- Files as people really save them (issue 20, item 2) ----------------------------

FORGIVING_HEADER = "title;summary;kind;format;language;registration_mode;grade_bands"


def raw_file(content: bytes, name: str = "events.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def file_errors(response) -> str:
    errors = soup(response).select_one(".errorlist")
    assert errors is not None, "no error on the upload form"
    return errors.get_text(" ", strip=True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "encoding, delimiter",
    [
        ("utf-8", ";"),  # Excel in Spanish or French locales
        ("utf-8-sig", ","),  # "CSV UTF-8" from Excel: a byte order mark first
        ("cp1252", ";"),  # "CSV" from Excel on Windows
        ("latin-1", "\t"),  # older tools, tab between cells
    ],
)
def test_csv_in_any_common_encoding_and_delimiter_imports(
    client, staff, provider, topics, encoding, delimiter
):
    lines = [
        FORGIVING_HEADER,
        "Niños y niñas: lectura en voz alta;Cuentos en familia.;event;in_person;es;hub;k-2",
        "Café con docentes;Charlas breves.;webinar;virtual;bilingual;none;",
    ]
    content = "\r\n".join(line.replace(";", delimiter) for line in lines).encode(encoding)
    client.force_login(staff)
    response = confirm(client, dry_run(client, raw_file(content)))
    assert "Imported 2 events" in soup(response).select_one(".messagelist").get_text()
    first = Event.objects.get(title="Niños y niñas: lectura en voz alta")
    assert first.summary == "Cuentos en familia."
    assert list(first.grade_bands.values_list("code", flat=True)) == ["k-2"]
    assert Event.objects.get(title="Café con docentes").format == "virtual"


@pytest.mark.django_db
def test_windows_1252_punctuation_survives(client, staff, provider, topics):
    content = (
        "title,summary,kind,format,language,registration_mode\r\n"
        "Restorative circles in K–5,“Talking pieces” that work…,event,in_person,en,hub\r\n"
    ).encode("cp1252")
    client.force_login(staff)
    confirm(client, dry_run(client, raw_file(content)))
    event = Event.objects.get()
    assert (event.title, event.summary) == (
        "Restorative circles in K–5",
        "“Talking pieces” that work…",
    )


def xlsx_file(*rows) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        "events.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


XLSX_HEADER = ["Title", "Summary ", "description", "kind", "format", "language", "capacity"]


@pytest.mark.django_db
def test_xlsx_blank_optional_cells_import_as_blank(client, staff, provider, topics):
    upload = xlsx_file(
        XLSX_HEADER,
        ["Math circles", "Puzzles.", None, "event", "virtual", "en", None],
        [None, None, None, None, None, None, None],  # a blank line in the middle
        ["Science night", "Experiments.", None, "event", "in_person", "en", 20],
    )
    client.force_login(staff)
    response = confirm(client, dry_run(client, upload, fmt=XLSX_FORMAT))
    assert "Imported 2 events" in soup(response).select_one(".messagelist").get_text()
    event = Event.objects.get(title="Math circles")
    assert (event.description, event.capacity) == ("", None)
    assert Event.objects.get(title="Science night").capacity == 20


@pytest.mark.django_db
def test_xlsx_blank_required_cells_list_every_error_and_save_nothing(
    client, staff, provider, topics
):
    upload = xlsx_file(
        XLSX_HEADER,
        ["Math circles", "Puzzles.", None, "event", "virtual", "en", None],
        [None, "No title here.", None, "event", "virtual", "en", None],
        ["Science night", None, None, "party", "virtual", "en", "many"],
    )
    client.force_login(staff)
    response = dry_run(client, upload, fmt=XLSX_FORMAT)
    page = soup(response)
    assert "Nothing was imported: 2 rows have errors" in row_errors(response)
    rows = page.select(".import-row-errors > ul > li")
    assert [row.strong.get_text(strip=True) for row in rows] == [
        "Row 2 (line 3 of the file)",
        "Row 3 (line 4 of the file)",
    ]
    assert [li.get_text(" ", strip=True) for li in rows[0].select("ul > li")] == [
        "title : Required: this cell is blank."
    ]
    assert [li.get_text(" ", strip=True) for li in rows[1].select("ul > li")] == [
        "kind : “party” is not one of: event, webinar, program, on_demand.",
        "capacity : “many” is not a number.",
        "summary : Required: this cell is blank.",
    ]
    assert "violates" not in response.content.decode()
    assert page.find("form", action=reverse(PROCESS_URL)) is None
    assert Event.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "upload, fmt, message",
    [
        (
            raw_file(b"PK\x03\x04 not really a workbook", "events.xlsx"),
            XLSX_FORMAT,
            "This is not an XLSX workbook. Save it from Excel as .xlsx, or choose CSV.",
        ),
        (
            raw_file(b"\r\n \r\n"),
            CSV_FORMAT,
            "The file is empty: put the column names in its first row.",
        ),
        (
            raw_file(b"title;summary\r\n;\r\n"),
            CSV_FORMAT,
            "The file names its columns but has no rows under them.",
        ),
        (
            raw_file(b"title;summary\r\nA;B;stray cell\r\n"),
            CSV_FORMAT,
            "Row 1 has more cells than there are column names (“stray cell” has no column).",
        ),
    ],
)
def test_an_unreadable_file_is_explained_in_plain_words(
    client, staff, topics, upload, fmt, message
):
    client.force_login(staff)
    response = dry_run(client, upload, fmt=fmt)
    assert file_errors(response) == message
    assert "encountered" not in response.content.decode()
    assert Event.objects.count() == 0


@pytest.mark.django_db
def test_the_example_file_opens_in_excel_with_its_dashes(client, staff, topics):
    client.force_login(staff)
    example = client.get(reverse("admin:events_event_import_template"))
    assert example.content.startswith("\ufeff".encode())
    assert "Restorative circles in the K–5 classroom" in example.content.decode("utf-8-sig")


SESSIONS_HEADER = (
    "title;summary;kind;format;language;registration_mode;session_start;session_end;"
    "session_title;session_title_es"
)


@pytest.mark.django_db
def test_repeated_rows_add_sessions_to_one_event(client, staff, provider, topics):
    upload = csv_file(
        "Literacy series;Three evenings.;program;in_person;bilingual;hub;"
        "2027-02-02 16:00;2027-02-02 18:00;Part 1;Parte 1",
        "Math night;Games.;event;in_person;en;hub;2027-02-05 17:00;2027-02-05 19:00;;",
        "literacy series;;;;;;2027-02-09 16:00;2027-02-09 18:00;Part 2;Parte 2",
        "Literacy Series;;;;;;2027-02-16 16:00;2027-02-16 18:30;Part 3;Parte 3",
        header=SESSIONS_HEADER,
    )
    client.force_login(staff)
    response = confirm(client, dry_run(client, upload))
    assert "Imported 2 events" in soup(response).select_one(".messagelist").get_text()
    series = Event.objects.get(title="Literacy series")
    sessions = list(series.sessions.order_by("starts_at"))
    assert [(s.title, s.title_es) for s in sessions] == [
        ("Part 1", "Parte 1"),
        ("Part 2", "Parte 2"),
        ("Part 3", "Parte 3"),
    ]
    assert (series.starts_at, series.ends_at) == (sessions[0].starts_at, sessions[2].ends_at)
    assert Event.objects.get(title="Math night").sessions.count() == 1


@pytest.mark.django_db
def test_a_repeated_row_must_carry_a_valid_session(client, staff, provider, topics):
    upload = csv_file(
        "Literacy series;Three evenings.;program;in_person;en;hub;"
        "2027-02-02 16:00;2027-02-02 18:00;;",
        "Literacy series;;;;;;;;;",
        "Literacy series;;;;;;31/02/2027;2027-02-09 18:00;;",
        ";Untitled.;event;in_person;en;hub;;;;",
        "Science night;Experiments.;party;in_person;en;hub;;;;",
        "Science night;;;;;;2027-03-01 16:00;2027-03-01 18:00;;",
        header=SESSIONS_HEADER,
    )
    client.force_login(staff)
    response = dry_run(client, upload)
    assert "Nothing was imported: 5 rows have errors" in row_errors(response)
    rows = soup(response).select(".import-row-errors > ul > li")
    assert [
        (row.strong.get_text(strip=True), [li.get_text(" ", strip=True) for li in row.ul("li")])
        for row in rows
    ] == [
        (
            "Row 2 (line 3 of the file)",
            [
                "session_start : The event in row 1 is named again: a repeated row adds a "
                "session, so give its start and end."
            ],
        ),
        (
            "Row 3 (line 4 of the file)",
            ["session_start : “31/02/2027” is not a date and time like 2026-12-03 15:30."],
        ),
        ("Row 4 (line 5 of the file)", ["title : Required: this cell is blank."]),
        (
            "Row 5 (line 6 of the file)",
            ["kind : “party” is not one of: event, webinar, program, on_demand."],
        ),
        (
            "Row 6 (line 7 of the file)",
            ["title : This row adds a session to the event in row 5: fix that row first."],
        ),
    ]
    assert Event.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_row_the_database_refuses_is_told_in_plain_words(client, staff, provider, topics):
    # A NUL character passes every check but no Postgres text column takes it.
    upload = csv_file(
        "Math night;Games.;event;in_person;en;hub;;;;",
        "Science\x00night;Experiments.;event;in_person;en;hub;;;;",
        "Art night;Paint.;party;in_person;en;hub;;;;",  # still checked after the refusal
        header=SESSIONS_HEADER,
    )
    client.force_login(staff)
    response = dry_run(client, upload)
    page = soup(response)
    errors = page.find("h2", string="Errors").find_next("ul")
    assert [li.get_text(" ", strip=True) for li in errors("li")] == [
        "Row 2: This row could not be saved. Check each of its cells against the example "
        "file, or ask a coordinator for help."
    ]
    assert "Nothing was imported: 1 row has errors" in row_errors(response)
    assert "“party” is not one of" in row_errors(response)
    assert "NUL" not in str(page)
    assert page.find("form", action=reverse(PROCESS_URL)) is None
    assert Event.objects.count() == 0


def errors_by_row(response) -> list[tuple[str, list[str]]]:
    rows = soup(response).select(".import-row-errors > ul > li")
    return [
        (row.strong.get_text(strip=True), [li.get_text(" ", strip=True) for li in row.ul("li")])
        for row in rows
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "encoding, delimiter",
    [
        ("utf-8", ";"),  # Excel in Spanish locales
        ("cp1252", ";"),  # "CSV" from Excel on Windows
        ("utf-8-sig", ","),  # "CSV UTF-8": the BOM must not hide the first column
        ("latin-1", "\t"),
    ],
)
def test_every_error_of_a_real_file_is_told_with_its_row_column_and_value(
    client, staff, provider, topics, encoding, delimiter
):
    lines = [
        FORGIVING_HEADER,
        "Niños y niñas: lectura;Cuentos en familia.;event;in_person;es;hub;k-2",
        ";Sin título.;event;in_person;es;hub;",
        "Café con docentes;;taller;presencial;es;hub;k-2",
        "Ciencias en familia;Experimentos.;event;in_person;español;hub;3–5 años",
    ]
    content = "\r\n".join(line.replace(";", delimiter) for line in lines)
    if encoding in ("cp1252", "latin-1"):
        content = content.replace("–", "-")  # no en dash in Latin-1
    client.force_login(staff)
    response = dry_run(client, raw_file(content.encode(encoding)))
    assert "Nothing was imported: 3 rows have errors" in row_errors(response)
    dash = "-" if encoding in ("cp1252", "latin-1") else "–"
    assert errors_by_row(response) == [
        ("Row 2 (line 3 of the file)", ["title : Required: this cell is blank."]),
        (
            "Row 3 (line 4 of the file)",
            [
                "kind : “taller” is not one of: event, webinar, program, on_demand.",
                "format : “presencial” is not one of: in_person, virtual, hybrid.",
                "summary : Required: this cell is blank.",
            ],
        ),
        (
            "Row 4 (line 5 of the file)",
            [
                "language : “español” is not one of: en, es, bilingual.",
                f"grade_bands : Unknown grade band: 3{dash}5 años.",
            ],
        ),
    ]
    assert soup(response).find("form", action=reverse(PROCESS_URL)) is None
    assert Event.objects.count() == 0
