"""Taking a survey: every question kind, skip logic, pages, resume, thank you, closed and
not-yet-open surveys, and the bad input that must store nothing."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from events.models import Registration
from surveys.models import Answer, Question, Response
from surveys.services import feedback_survey_for_event
from tests import factories
from tests.surveys.conftest import choice_pk, soup, valid_payload

pytestmark = pytest.mark.django_db


def url(survey):
    return f"/surveys/{survey.slug}/"


def test_every_kind_is_shown_with_labels_and_one_h1(client, kinds_survey):
    survey, q, topics = kinds_survey
    page = soup(client.get(url(survey)))
    assert len(page.find_all("h1")) == 1
    assert page.h1.get_text(strip=True) == "Every Kind Survey"
    legends = [legend.get_text(" ", strip=True) for legend in page.find_all("legend")]
    assert any(text.startswith("PD meets my needs.") for text in legends)
    assert "Strongly agree" in page.get_text()
    # every visible input has a label
    for field in page.select("form.survey-form input:not([type=hidden]), select, textarea"):
        assert page.find("label", attrs={"for": field["id"]}), field
    ranking = page.find_all("select", attrs={"name": f"q{q['ranking'].pk}_0"})
    assert ranking and "STEM" in ranking[0].get_text()
    assert page.find("label", string="First choice")


def test_submitting_every_kind_stores_one_row_per_value(client, kinds_survey):
    survey, q, topics = kinds_survey
    response = client.post(url(survey), valid_payload(q, topics))
    assert response.status_code == 302
    assert response["Location"] == f"/surveys/{survey.slug}/thanks/"
    stored = Response.objects.get(survey=survey)
    assert stored.status == Response.Status.SUBMITTED
    answers = Answer.objects.filter(response=stored)
    assert answers.get(question=q["likert"]).number == 4
    assert answers.get(question=q["single"]).choice.value == "yes"
    multiple = answers.filter(question=q["multiple"])
    assert {(a.choice.value if a.choice else None, a.other_text) for a in multiple} == {
        ("webinar", ""),
        (None, "Podcasts"),
    }
    assert answers.get(question=q["short"]).text == "Roosevelt Elementary"
    assert answers.get(question=q["number"]).number == Decimal("12.5")
    ranked = answers.filter(question=q["ranking"]).order_by("rank")
    assert [(a.rank, a.topic.name) for a in ranked] == [(1, "STEM"), (2, "Early literacy")]
    thanks = soup(client.get(response["Location"]))
    assert thanks.h1.get_text(strip=True) == "Thank you!"


def test_errors_sit_next_to_each_question_and_answers_are_kept(client, kinds_survey):
    survey, q, topics = kinds_survey
    payload = valid_payload(q, topics)
    payload[f"q{q['number'].pk}"] = "250"  # out of range
    del payload[f"q{q['likert'].pk}"]  # required, missing
    response = client.post(url(survey), payload)
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one(".form-errors[role=alert]")
    number_block = page.find(id=f"question-{q['number'].pk}")
    assert "less than or equal to 100" in number_block.select_one(".errorlist").get_text()
    likert_block = page.find(id=f"question-{q['likert'].pk}")
    assert "This field is required" in likert_block.select_one(".errorlist").get_text()
    # answers kept
    assert page.find("input", attrs={"name": f"q{q['short'].pk}"})["value"] == (
        "Roosevelt Elementary"
    )
    assert page.find("input", attrs={"name": f"q{q['number'].pk}"})["value"] == "250"
    assert not Response.objects.exists() and not Answer.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        "unknown_choice",
        "tampered_question",
        "other_survey_question",
        "likert_out_of_scale",
        "repeated_topic",
        "not_a_number",
    ],
)
def test_bad_input_is_an_error_and_stores_nothing(client, kinds_survey, change):
    survey, q, topics = kinds_survey
    payload = valid_payload(q, topics)
    if change == "unknown_choice":
        payload[f"q{q['single'].pk}"] = "999999"
    elif change == "tampered_question":
        payload["q999999"] = "4"
    elif change == "other_survey_question":
        stranger = factories.QuestionFactory()
        payload[f"q{stranger.pk}"] = "4"
    elif change == "likert_out_of_scale":
        payload[f"q{q['likert'].pk}"] = "6"
    elif change == "repeated_topic":
        payload[f"q{q['ranking'].pk}_1"] = payload[f"q{q['ranking'].pk}_0"]
    elif change == "not_a_number":
        payload[f"q{q['number'].pk}"] = "twelve"
    response = client.post(url(survey), payload)
    assert response.status_code == 200
    assert soup(response).select(".errorlist")
    assert not Response.objects.exists()
    assert not Answer.objects.exists()


def test_double_submission_is_refused_kindly(client, educator):
    survey = factories.SurveyFactory()
    question = factories.QuestionFactory(survey=survey)
    client.force_login(educator)
    payload = {"action": "submit", "page": "1", f"q{question.pk}": "5"}
    assert client.post(url(survey), payload).status_code == 302
    again = client.post(url(survey), payload)
    assert again.status_code == 200
    assert "already answered" in soup(again).get_text()
    assert Response.objects.filter(survey=survey).count() == 1
    assert Answer.objects.count() == 1
    assert "already answered" in soup(client.get(url(survey))).get_text()


def test_anonymous_survey_second_post_from_same_browser_stores_nothing(client, kinds_survey):
    survey, q, topics = kinds_survey
    client.post(url(survey), valid_payload(q, topics))
    again = client.post(url(survey), valid_payload(q, topics))
    assert "already answered" in soup(again).get_text()
    assert Response.objects.count() == 1


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [
        (1, 10, "not open yet"),
        (-10, -1, "closed"),
    ],
)
def test_closed_and_not_yet_open_surveys_say_so_and_take_nothing(client, opens, closes, message):
    now = timezone.now()
    survey = factories.SurveyFactory(
        anonymous=True,
        opens_at=now + datetime.timedelta(days=opens),
        closes_at=now + datetime.timedelta(days=closes),
    )
    question = factories.QuestionFactory(survey=survey)
    page = soup(client.get(url(survey)))
    assert message in page.get_text()
    assert not page.select("form.survey-form")
    client.post(url(survey), {"action": "submit", "page": "1", f"q{question.pk}": "5"})
    assert not Response.objects.exists()


def test_identified_survey_asks_to_sign_in(client):
    survey = factories.SurveyFactory()
    factories.QuestionFactory(survey=survey)
    response = client.get(url(survey))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _paged_survey():
    survey = factories.SurveyFactory(title="Paged")
    first = factories.SectionFactory(survey=survey, position=0, title="About you")
    second = factories.SectionFactory(survey=survey, position=1, title="Mentoring")
    mentor = factories.QuestionFactory(
        survey=survey,
        section=first,
        kind=Question.Kind.SINGLE,
        text="Do you mentor?",
        choices=["Yes", "No"],
    )
    support = factories.QuestionFactory(
        survey=survey,
        section=second,
        kind=Question.Kind.SHORT_TEXT,
        text="What support would help you as a mentor?",
        show_if_question=mentor,
        show_if_value="yes",
    )
    hours = factories.QuestionFactory(
        survey=survey, section=second, kind=Question.Kind.NUMBER, text="Hours?", required=True
    )
    return survey, mentor, support, hours


def test_pages_skip_logic_back_and_submit(client, educator):
    survey, mentor, support, hours = _paged_survey()
    client.force_login(educator)
    page = soup(client.get(url(survey)))
    assert "Page 1 of 2" in page.get_text()
    assert page.find("button", attrs={"value": "next"})
    # "No": the mentoring question is hidden on page 2 and not required
    response = client.post(
        url(survey), {"action": "next", "page": "1", f"q{mentor.pk}": choice_pk(mentor, "no")}
    )
    assert response.status_code == 302
    page = soup(client.get(response["Location"]))
    assert "What support would help you" not in page.get_text()
    assert page.find("input", attrs={"name": f"q{hours.pk}"})
    # Back keeps the answer
    response = client.post(url(survey), {"action": "back", "page": "2", f"q{hours.pk}": "7"})
    page = soup(client.get(response["Location"]))
    checked = page.find("input", attrs={"name": f"q{mentor.pk}", "checked": True})
    assert checked["value"] == choice_pk(mentor, "no")
    # switch to "Yes": now the question shows and is required
    client.post(
        url(survey), {"action": "next", "page": "1", f"q{mentor.pk}": choice_pk(mentor, "yes")}
    )
    page = soup(client.get(url(survey) + "?page=2"))
    assert "What support would help you as a mentor?" in page.get_text()
    assert page.find("input", attrs={"name": f"q{hours.pk}"})["value"] == "7"
    response = client.post(url(survey), {"action": "submit", "page": "2", f"q{hours.pk}": "7"})
    assert response.status_code == 200
    block = soup(response).find(id=f"question-{support.pk}")
    assert "required" in block.select_one(".errorlist").get_text()
    response = client.post(
        url(survey),
        {"action": "submit", "page": "2", f"q{hours.pk}": "7", f"q{support.pk}": "Release time"},
    )
    assert response.status_code == 302
    stored = Response.objects.get(survey=survey, user=educator)
    assert stored.status == Response.Status.SUBMITTED
    assert set(stored.answers.values_list("question_id", flat=True)) == {
        mentor.pk,
        support.pk,
        hours.pk,
    }
    assert stored.draft == {}


def test_hidden_question_answers_are_discarded(client, educator):
    survey, mentor, support, hours = _paged_survey()
    client.force_login(educator)
    client.post(
        url(survey), {"action": "next", "page": "1", f"q{mentor.pk}": choice_pk(mentor, "no")}
    )
    response = client.post(
        url(survey),
        {"action": "submit", "page": "2", f"q{hours.pk}": "3", f"q{support.pk}": "sneaky"},
    )
    assert response.status_code == 302
    stored = Response.objects.get(survey=survey)
    assert not stored.answers.filter(question=support).exists()


def test_save_and_resume(client, educator):
    survey, mentor, support, hours = _paged_survey()
    client.force_login(educator)
    response = client.post(
        url(survey), {"action": "save", "page": "1", f"q{mentor.pk}": choice_pk(mentor, "yes")}
    )
    assert response.status_code == 302
    draft = Response.objects.get(survey=survey, user=educator)
    assert draft.status == Response.Status.DRAFT
    assert not draft.answers.exists()
    client.post(
        url(survey), {"action": "next", "page": "1", f"q{mentor.pk}": choice_pk(mentor, "yes")}
    )
    # later, a new session: the survey opens on page 2 with the answers so far
    client.logout()
    client.force_login(educator)
    page = soup(client.get(url(survey)))
    assert "Page 2 of 2" in page.get_text()
    assert "What support would help you as a mentor?" in page.get_text()
    assert Response.objects.filter(survey=survey).count() == 1


def test_feedback_survey_is_for_the_events_registrants(client):
    event = factories.EventFactory(
        title="Kindness in Class",
        sessions=[(factories.in_days(-2), factories.in_days(-2, hour=18))],
    )
    survey = feedback_survey_for_event(event=event)
    attendee = factories.RegistrationFactory(event=event).user
    stranger = factories.EducatorFactory()
    client.force_login(stranger)
    response = client.get(url(survey))
    assert response.status_code == 403
    assert "for the people who registered" in soup(response).get_text()
    client.force_login(attendee)
    page = soup(client.get(url(survey)))
    assert "The presenter was engaging." in page.get_text()
    assert Registration.objects.filter(user=attendee).exists()


def test_spanish_readers_see_spanish_questions(client, kinds_survey):
    survey, q, topics = kinds_survey
    q["likert"].text_es = "La formación satisface mis necesidades."
    q["likert"].save()
    page = soup(client.get(url(survey), headers={"accept-language": "es"}))
    assert "La formación satisface mis necesidades." in page.get_text()
