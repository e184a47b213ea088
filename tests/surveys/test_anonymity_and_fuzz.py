"""Anonymous responses store nothing that identifies the respondent; random payloads
never cause a 500 or a partial response; invitation links are single-use and are not
linked to the response they were used for."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.db.models import DateTimeField
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.models import Answer, Invitation, Question, RespondentKey, Response
from surveys.services import invitations_create, profile_questions_add
from tests import factories
from tests.surveys.conftest import soup, valid_payload

pytestmark = pytest.mark.django_db


def test_anonymous_response_rows_hold_no_identity(client, kinds_survey):
    survey, q, topics = kinds_survey
    educator = factories.EducatorFactory(role="counselor")
    client.force_login(educator)
    client.post(
        f"/surveys/{survey.slug}/",
        valid_payload(q, topics),
        REMOTE_ADDR="203.0.113.77",
        HTTP_USER_AGENT="Sneaky/1.0",
    )
    response = Response.objects.get(survey=survey)
    assert response.user_id is None
    assert isinstance(response.submitted_on, datetime.date)
    assert not isinstance(response.submitted_on, datetime.datetime)
    # the survey asks no role, grade band or district: the profile is not copied in
    assert (response.role, response.grade_band_id, response.district_id) == ("", None, None)
    # no column of the response or answer tables can hold a time, an IP or an agent
    for table in (Response._meta.db_table, Answer._meta.db_table, Invitation._meta.db_table):
        with connection.cursor() as cursor:
            columns = connection.introspection.get_table_description(cursor, table)
        for column in columns:
            assert not any(word in column.name for word in ("ip", "agent", "created", "_at"))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            for row in cursor.fetchall():
                text = " ".join(str(value) for value in row)
                assert "203.0.113.77" not in text and "Sneaky" not in text
                assert educator.email not in text
    for model in (Response, Answer, Invitation):
        assert not [f for f in model._meta.concrete_fields if isinstance(f, DateTimeField)]
    # no other column of the response table points at the user
    assert Response.objects.filter(user=educator).count() == 0


def test_one_question_anonymous_response_holds_only_answer_and_date(client):
    """A signed-in educator with a full profile answers a one-question anonymous survey:
    the stored rows hold the answer and the date, nothing else."""
    survey = factories.SurveyFactory(anonymous=True)
    question = factories.QuestionFactory(survey=survey, text="PD meets my needs.")
    educator = factories.EducatorFactory(role="counselor")
    assert educator.district_id and educator.grade_bands.exists()
    client.force_login(educator)
    payload = {"action": "submit", "page": "1", f"q{question.pk}": "4"}
    assert client.post(f"/surveys/{survey.slug}/", payload).status_code == 302
    [row] = Response.objects.filter(survey=survey).values()
    filled = {name for name, value in row.items() if value not in ("", None, {})}
    assert filled == {"id", "survey_id", "status", "submitted_on"}
    [answer] = Answer.objects.filter(response_id=row["id"]).values()
    filled = {name for name, value in answer.items() if value not in ("", None)}
    assert filled == {"id", "response_id", "question_id", "number"}
    assert answer["number"] == 4


def test_anonymous_response_keeps_only_the_facts_its_questions_ask(client):
    """A survey that asks the grade band stores the answered band, not the profile's
    role or district; the CSV shows a Grade band column and no Role or District."""
    survey = factories.SurveyFactory(anonymous=True)
    likert = factories.QuestionFactory(survey=survey, text="PD meets my needs.")
    _role, band_q, _district = profile_questions_add(survey=survey, start=1)
    Question.objects.filter(pk__in=[_role.pk, _district.pk]).delete()
    educator = factories.EducatorFactory(role="counselor")
    client.force_login(educator)
    payload = {
        "action": "submit",
        "page": "1",
        f"q{likert.pk}": "5",
        f"q{band_q.pk}": str(band_q.choices.get(value="9-12").pk),
    }
    assert client.post(f"/surveys/{survey.slug}/", payload).status_code == 302
    response = Response.objects.get(survey=survey)
    assert response.grade_band.code == "9-12"
    assert (response.role, response.district_id) == ("", None)
    client.force_login(factories.CoordinatorFactory())
    export = client.get(f"/surveys/{survey.slug}/report.csv")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Response", "Submitted on", "Grade band"]
    assert sorted(rows[0][3:]) == sorted(["PD meets my needs.", band_q.text])


def test_invitation_links_are_single_use_and_unlinked(client):
    survey = factories.SurveyFactory(anonymous=True, invitation_only=True)
    question = factories.QuestionFactory(survey=survey)
    first, second = invitations_create(survey=survey, count=2)
    path = f"/surveys/{survey.slug}/"
    assert client.get(path).status_code == 403
    assert "by invitation" in soup(client.get(path + "?t=nope")).get_text()
    payload = {"action": "submit", "page": "1", f"q{question.pk}": "4", "t": first.token}
    assert client.post(path, payload).status_code == 302
    first.refresh_from_db()
    assert first.used
    # the same link again (another browser) stores nothing
    client.logout()
    client.cookies.clear()
    again = client.post(path, payload)
    assert "already answered" in soup(again).get_text()
    assert Response.objects.count() == 1
    # the invitation has no link to the response, and the response none to the token
    assert {f.name for f in Invitation._meta.get_fields()} == {"id", "survey", "token", "used"}
    assert first.token not in str(list(Response.objects.values()))
    second.refresh_from_db()
    assert not second.used
    assert survey.invitations.count() == 2


question_keys = st.sampled_from(["likert", "single", "multiple", "short", "long", "number"])
junk = st.one_of(
    st.text(max_size=30),
    st.integers(-10, 10**6).map(str),
    st.sampled_from(["", "other", "4", "5", "1e9", "NaN", "-0", "0x10", "\x00"]),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    picks=st.dictionaries(question_keys, st.lists(junk, min_size=0, max_size=3), max_size=6),
    extra=st.dictionaries(
        st.one_of(
            st.from_regex(r"q[0-9]{1,7}(_other|_[0-9])?", fullmatch=True), st.text(max_size=8)
        ),
        junk,
        max_size=3,
    ),
    drop=st.sets(question_keys, max_size=6),
    page=st.sampled_from(["1", "0", "-1", "x", "999"]),
)
def test_random_payloads_never_500_never_partial(client, kinds_survey, picks, extra, drop, page):
    survey, q, topics = kinds_survey
    Response.objects.all().delete()
    client.session.flush()
    client.cookies.clear()
    payload = valid_payload(q, topics)
    for key in drop:
        payload.pop(f"q{q[key].pk}", None)
    for key, values in picks.items():
        payload[f"q{q[key].pk}"] = values
    for key, value in extra.items():
        if key not in ("csrfmiddlewaretoken",):
            payload[key] = value
    payload["page"] = page
    try:
        response = client.post(f"/surveys/{survey.slug}/", payload)
    except ValueError as error:  # the test client refuses NUL bytes in form data
        assert "null" in str(error).lower()
        return
    # 400: control characters refused before the view (trec's hostile-input middleware)
    assert response.status_code in (200, 302, 400)
    responses = list(Response.objects.filter(survey=survey))
    if response.status_code == 302:
        assert len(responses) == 1 and responses[0].status == Response.Status.SUBMITTED
        stored = responses[0].answers.values_list("question_id", flat=True)
        assert q["likert"].pk in stored and q["single"].pk in stored  # the required ones
    else:
        assert responses == []
        assert not Answer.objects.exists()


def test_question_kinds_cover_the_contract():
    assert set(Question.Kind.values) == {
        "likert",
        "single",
        "multiple",
        "short_text",
        "long_text",
        "number",
        "topic_ranking",
    }


def test_an_open_anonymous_survey_takes_one_answer_per_device_a_day(client):
    """25 cookie-less submissions: one response, the 2nd..25th store nothing. Two
    browsers on the same network (each with the page's device cookie) answer once
    each; the key that refuses a second answer is not linked to any response."""
    survey = factories.SurveyFactory(anonymous=True)
    question = factories.QuestionFactory(survey=survey)
    path = f"/surveys/{survey.slug}/"
    payload = {"action": "submit", "page": "1", f"q{question.pk}": "4"}
    for n in range(25):
        client.cookies.clear()
        response = client.post(path, payload)
        assert response.status_code == (302 if n == 0 else 200)
    assert Response.objects.filter(survey=survey).count() == 1
    assert "already answered" in soup(response).get_text()
    for _browser in range(2):
        client.cookies.clear()
        client.get(path)
        assert client.post(path, payload).status_code == 302
    assert Response.objects.filter(survey=survey).count() == 3
    assert RespondentKey.objects.filter(survey=survey).count() == 3
    assert {f.name for f in RespondentKey._meta.get_fields()} == {"id", "survey", "key"}
