"""Every e-mail writes its dates with trec.formats (CLDR data through Babel) in the
recipient's language: "Thursday, January 21, 2027, 4:00 PM" for an English reader and
"jueves, 21 de enero de 2027, 4:00 p. m." for a Spanish one, in subjects and bodies.
No e-mail template formats a date with Django's `date`/`time` filters."""

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import translation

from events import services as events
from events.proposals import services as proposals
from tests import factories
from tests.proposals.factories import CallFactory, proposal
from trec.notifications.kinds import when_phrase

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# On January 21, 2027 (a Thursday), 4 to 6 PM in the hub's time zone.
PHOENIX = ZoneInfo("America/Phoenix")  # settings.TIME_ZONE
START = datetime.datetime(2027, 1, 21, 16, 0, tzinfo=PHOENIX)
END = START + datetime.timedelta(hours=2)

WHEN = {
    "en": ("Thursday, January 21, 2027", "4:00 PM", "6:00 PM"),
    "es": ("jueves, 21 de enero de 2027", "4:00 p. m.", "6:00 p. m."),
}


def sent_to(address: str):
    (message,) = [m for m in mail.outbox if m.to == [address]]
    return message, message.body, message.alternatives[0][0]


@pytest.fixture
def event():
    return factories.EventFactory(title="Math Talks", sessions=[(START, END)])


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_confirmation_writes_the_session_in_the_readers_language(
    language, event, django_capture_on_commit_callbacks
):
    reader = factories.EducatorFactory(email="ana@example.org", preferred_language=language)
    with django_capture_on_commit_callbacks(execute=True):
        events.registration_create(event=event, user=reader)
    _message, text, html = sent_to("ana@example.org")
    day, starts, ends = WHEN[language]
    for part in (text, html):
        assert f"{day}, {starts}–{ends}" in part
    assert "January" not in text if language == "es" else "enero" not in text


@pytest.mark.parametrize(
    ("language", "moved"),
    [
        (
            "en",
            "Moved: Math Talks, from Thursday, January 21, 2027, 4:00 PM to "
            "Saturday, January 23, 2027, 9:00 AM",
        ),
        (
            "es",
            "Cambio de fecha: Math Talks, del jueves, 21 de enero de 2027, 4:00 p. m. al "
            "sábado, 23 de enero de 2027, 9:00 a. m.",
        ),
    ],
)
def test_the_change_mail_says_from_when_to_when_in_the_readers_language(
    language, moved, event, django_capture_on_commit_callbacks
):
    reader = factories.EducatorFactory(email="ana@example.org", preferred_language=language)
    factories.RegistrationFactory(event=event, user=reader)
    session = event.sessions.get()
    session.starts_at = datetime.datetime(2027, 1, 23, 9, 0, tzinfo=PHOENIX)
    session.ends_at = session.starts_at + datetime.timedelta(hours=2)
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        events.event_saved(event=event)
    _message, text, html = sent_to("ana@example.org")
    assert moved in text
    assert moved in html


@pytest.mark.parametrize(
    ("language", "subject", "sentence"),
    [
        ("en", "Your proposal “Phonics that sticks” is accepted", "is on January 21, 2027."),
        ("es", "Su propuesta “Phonics that sticks” ha sido aceptada", "es el 21 de enero de 2027."),
    ],
)
def test_the_proposal_decision_names_the_summits_date_in_the_readers_language(
    language, subject, sentence, django_capture_on_commit_callbacks
):
    call = CallFactory(title="Summit 2027: call for proposals")
    call.event.sessions.create(title="Opening", starts_at=START, ends_at=END)
    events.event_saved(event=call.event)
    lead = factories.EducatorFactory(email="rosa@example.org", preferred_language=language)
    made = proposal(call, lead)
    with django_capture_on_commit_callbacks(execute=True):
        proposals.proposals_decide(
            call=call, proposal_ids=[made.pk], status="accepted", message="", message_es=""
        )
    message, text, html = sent_to("rosa@example.org")
    assert message.subject == subject
    assert sentence in text and sentence in html


def test_a_spanish_subject_reads_el_21_de_enero_de_2027():
    now = START - datetime.timedelta(days=10)
    with translation.override("es"):
        assert when_phrase(START, now=now) == "el 21 de enero de 2027 a las 4:00 p. m."
    with translation.override("en"):
        assert when_phrase(START, now=now) == "on January 21, 2027 at 4:00 PM"


def test_no_email_template_formats_a_date_with_djangos_filters():
    """Django's `date`/`time` filters write "Jan. 21" in English and need a translated
    format string per language; trec.formats writes CLDR's."""
    templates = [
        path
        for path in (ROOT / "templates").rglob("*")
        if path.is_file() and ("email" in path.parts or path.suffix == ".txt")
    ]
    assert len(templates) > 40
    offenders = [
        str(path.relative_to(ROOT))
        for path in templates
        if re.search(r"\|\s*(date|time|naturalday|naturaltime)\b", path.read_text())
    ]
    assert offenders == []
