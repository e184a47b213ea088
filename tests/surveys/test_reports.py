"""Reports on a hand-built data set: counts, percentages, means, % agree (top two
boxes), crosstabs, free text, CSV; a fixed number of queries for 20 questions x 1,000
responses; who may see them."""

import csv
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from surveys.models import Answer, Choice, Question, Response
from tests import factories
from tests.surveys.conftest import soup
from trec.accounts.models import GradeBand, User

pytestmark = pytest.mark.django_db


def respond(survey, *, role="teacher", band=None, district=None, answers=()):
    response = Response.objects.create(
        survey=survey,
        status=Response.Status.SUBMITTED,
        submitted_on=timezone.localdate(),
        role=role,
        grade_band=band,
        district=district,
    )
    Answer.objects.bulk_create([Answer(response=response, **a) for a in answers])
    return response


@pytest.fixture
def hand_built(db):
    """Four responses: Likert 5, 4, 3, 2 → mean 3.5, 50% agree; mentor yes/yes/no/no."""
    survey = factories.SurveyFactory(title="Hand Built", kind="needs", anonymous=True)
    likert = factories.QuestionFactory(survey=survey, text="PD meets my needs.")
    mentor = factories.QuestionFactory(
        survey=survey, kind=Question.Kind.SINGLE, text="Mentor?", choices=["Yes", "No"]
    )
    comments = factories.QuestionFactory(
        survey=survey, kind=Question.Kind.LONG_TEXT, text="Comments", required=False
    )
    yes, no = mentor.choices.get(value="yes"), mentor.choices.get(value="no")
    k2 = GradeBand.objects.get(code="k-2")
    hs = GradeBand.objects.get(code="9-12")
    rows = [
        (5, yes, "teacher", k2, '=HYPERLINK("http://evil")'),
        (4, yes, "teacher", k2, ""),
        (3, no, "counselor", hs, "More evening sessions"),
        (2, no, "counselor", hs, ""),
    ]
    for number, choice, role, band, text in rows:
        answers = [
            {"question": likert, "number": Decimal(number)},
            {"question": mentor, "choice": choice},
        ]
        if text:
            answers.append({"question": comments, "text": text})
        respond(survey, role=role, band=band, answers=answers)
    return survey, likert, mentor, comments


def test_report_numbers(client, coordinator, hand_built):
    survey, likert, mentor, comments = hand_built
    client.force_login(coordinator)
    page = soup(client.get(f"/surveys/{survey.slug}/report/"))
    assert len(page.find_all("h1")) == 1
    assert page.select_one(".figure-responses").get_text(strip=True) == "4"
    assert page.select_one(".figure-agree").get_text(strip=True) == "50.0%"
    block = page.find("section", attrs={"aria-labelledby": f"rq-{likert.pk}"})
    assert block.select_one(".figure-mean").get_text(strip=True) == "3.5"
    rows = {
        tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")]
        for tr in block.select("table.report-table tbody tr")
    }
    assert rows["5 – Strongly agree"] == ["1", "25.0%"]
    assert rows["1 – Strongly disagree"] == ["0", "0.0%"]
    svg = block.find("svg")
    assert svg["role"] == "img" and svg.title and svg.desc
    mentor_block = page.find("section", attrs={"aria-labelledby": f"rq-{mentor.pk}"})
    assert "50.0%" in mentor_block.get_text()
    comments_block = page.find("section", attrs={"aria-labelledby": f"rq-{comments.pk}"})
    assert "More evening sessions" in comments_block.get_text()


def test_crosstab_by_role_and_grade_band(client, coordinator, hand_built):
    survey, likert, mentor, comments = hand_built
    client.force_login(coordinator)
    page = soup(client.get(f"/surveys/{survey.slug}/report/?by=role"))
    block = page.find("section", attrs={"aria-labelledby": f"rq-{mentor.pk}"})
    table = block.select_one("table.crosstab-table")
    heads = [th.get_text(" ", strip=True) for th in table.thead.find_all("th")]
    assert heads == ["Answer", "Classroom teacher (n=2)", "Counselor (n=2)"]
    cells = {
        tr.th.get_text(strip=True): [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in table.tbody.find_all("tr")
    }
    assert cells["Yes"] == ["2 (100.0%)", "0 (0.0%)"]
    assert cells["No"] == ["0 (0.0%)", "2 (100.0%)"]
    page = soup(client.get(f"/surveys/{survey.slug}/report/?by=grade_band"))
    block = page.find("section", attrs={"aria-labelledby": f"rq-{likert.pk}"})
    heads = [
        th.get_text(" ", strip=True) for th in block.select("table.crosstab-table th[scope=col]")
    ]
    assert heads[1:] == ["K–2 (n=2)", "9–12 (n=2)"]


def test_csv_one_row_per_response_formula_neutralised(client, coordinator, hand_built):
    survey, likert, mentor, comments = hand_built
    client.force_login(coordinator)
    response = client.get(f"/surveys/{survey.slug}/report.csv")
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    # an anonymous survey that asks no role, band or district: no profile columns
    assert rows[0] == ["Response", "Submitted on", "PD meets my needs.", "Mentor?", "Comments"]
    assert len(rows) == 5
    assert rows[1][2:] == ["5", "Yes", '\'=HYPERLINK("http://evil")']
    assert rows[3][4] == "More evening sessions"


def test_csv_of_identified_survey_shows_profile_facts(client, coordinator):
    survey = factories.SurveyFactory(anonymous=False)
    likert = factories.QuestionFactory(survey=survey, text="Useful?")
    respond(
        survey,
        role="counselor",
        band=GradeBand.objects.get(code="k-2"),
        answers=[{"question": likert, "number": Decimal(4)}],
    )
    client.force_login(coordinator)
    response = client.get(f"/surveys/{survey.slug}/report.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["Response", "Submitted on", "Role", "Grade band", "District", "Useful?"]
    assert rows[1][2:] == ["Counselor", "K–2", "", "4"]


def _big_survey(questions: int, responses: int):
    """`questions` questions of mixed kinds and `responses` responses, via bulk_create."""
    survey = factories.SurveyFactory(title=f"Big {questions}x{responses}", anonymous=True)
    kinds = [
        Question.Kind.LIKERT,
        Question.Kind.SINGLE,
        Question.Kind.MULTIPLE,
        Question.Kind.NUMBER,
        Question.Kind.LONG_TEXT,
    ]
    made = Question.objects.bulk_create(
        [
            Question(
                survey=survey,
                position=i,
                text=f"Q{i}",
                kind=kinds[i % len(kinds)],
                allow_other=kinds[i % len(kinds)] == Question.Kind.MULTIPLE,
            )
            for i in range(questions)
        ]
    )
    Choice.objects.bulk_create(
        [
            Choice(question=q, position=j, label=f"Option {j}", value=f"o{j}")
            for q in made
            if q.kind in Question.CHOICE_KINDS
            for j in range(4)
        ]
    )
    choices = {}
    for c in Choice.objects.filter(question__survey=survey):
        choices.setdefault(c.question_id, []).append(c)
    bands = list(GradeBand.objects.all())
    rows = Response.objects.bulk_create(
        [
            Response(
                survey=survey,
                status=Response.Status.SUBMITTED,
                submitted_on=timezone.localdate(),
                role=User.Role.values[i % 4],
                grade_band=bands[i % len(bands)],
            )
            for i in range(responses)
        ]
    )
    answers = []
    for i, response in enumerate(rows):
        for q in made:
            if q.kind == Question.Kind.LIKERT or q.kind == Question.Kind.NUMBER:
                answers.append(Answer(response=response, question=q, number=1 + (i % 5)))
            elif q.kind in Question.CHOICE_KINDS:
                answers.append(Answer(response=response, question=q, choice=choices[q.pk][i % 4]))
            else:
                answers.append(Answer(response=response, question=q, text=f"note {i}"))
    Answer.objects.bulk_create(answers, batch_size=5000)
    return survey


@pytest.mark.parametrize("by", ["", "role", "grade_band", "district"])
def test_report_queries_are_fixed(client, coordinator, django_assert_num_queries, by):
    """Guards against a query per question or per response: 5 questions x 1 response and
    20 questions x 1,000 responses cost the same."""
    small = _big_survey(5, 1)  # one question of each kind the big one has
    big = _big_survey(20, 1000)
    client.force_login(coordinator)
    query = f"?by={by}" if by else ""
    client.get(f"/surveys/{small.slug}/report/{query}")  # warm the session and user caches
    expected = {"": 11, "role": 13, "grade_band": 14, "district": 14}[by]
    with django_assert_num_queries(expected):
        assert client.get(f"/surveys/{small.slug}/report/{query}").status_code == 200
    with django_assert_num_queries(expected):
        page = client.get(f"/surveys/{big.slug}/report/{query}")
    assert page.status_code == 200
    assert soup(page).select_one(".figure-responses").get_text(strip=True) == "1000"


def test_csv_queries_are_fixed(client, coordinator, django_assert_num_queries):
    survey = _big_survey(20, 1000)
    client.force_login(coordinator)
    client.get(f"/surveys/{survey.slug}/report/")
    with django_assert_num_queries(9):
        response = client.get(f"/surveys/{survey.slug}/report.csv")
        body = b"".join(response.streaming_content)
    assert body.decode("utf-8-sig").count("\r\n") == 1001


def test_report_permissions(client, hand_built):
    survey, *_ = hand_built
    path = f"/surveys/{survey.slug}/report/"
    assert client.get(path).status_code == 302
    client.force_login(factories.EducatorFactory())
    assert client.get(path).status_code == 404
    assert client.get(path + "../report.csv").status_code == 404
    client.force_login(factories.ProviderStaffFactory())
    assert client.get(path).status_code == 404
    client.force_login(factories.CoordinatorFactory())
    assert client.get(path).status_code == 200
    assert client.get(f"/surveys/{survey.slug}/report.csv").status_code == 200


def test_provider_staff_see_only_their_events_feedback(client):
    from surveys.services import feedback_survey_for_event

    provider = factories.ProviderFactory()
    event = factories.EventFactory(provider=provider)
    survey = feedback_survey_for_event(event=event)
    path = f"/surveys/{survey.slug}/report/"
    client.force_login(factories.ProviderStaffFactory(provider=provider))
    assert client.get(path).status_code == 200
    assert client.get(f"/surveys/{survey.slug}/report.csv").status_code == 200
    assert client.get(f"/surveys/{survey.slug}/gaps/").status_code == 404
    client.force_login(factories.ProviderStaffFactory())
    assert client.get(path).status_code == 404
    client.force_login(factories.EducatorFactory())
    assert client.get(path).status_code == 404
