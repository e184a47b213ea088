"""The survey builder page (/admin/surveys/survey/<id>/builder/): a question and its
choices in one save, fields per kind, skip logic picked from the earlier question's
actual answers and checked on save, reordering, profile questions in their own
section, publishing, and the preview that stores nothing."""

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from surveys.models import Answer, Question, Response, Section
from surveys.selectors import survey_plan
from tests import factories
from tests.surveys.conftest import soup

pytestmark = pytest.mark.django_db


def builder(survey):
    return f"/admin/surveys/survey/{survey.pk}/builder/"


def question_data(**fields):
    """A POST for the builder's question form: a single-choice question by default."""
    data = {
        "action": "save",
        "kind": "single",
        "text": "Do you mentor new teachers?",
        "text_es": "",
        "help_text": "",
        "help_text_es": "",
        "section": "",
        "required": "on",
        "scale_points": "5",
        "scale_labels": "",
        "scale_labels_es": "",
        "min_value": "",
        "max_value": "",
        "max_ranked": "3",
        "condition": "",
        "choices-TOTAL_FORMS": "6",
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
    }
    for i in range(6):
        data |= {f"choices-{i}-label": "", f"choices-{i}-label_es": "", f"choices-{i}-value": ""}
    for i, label in enumerate(fields.pop("choices", [])):
        data[f"choices-{i}-label"] = label
    data |= fields
    return data


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def mentor_survey(db):
    """Q1 a single choice (Yes/No), Q2 a Likert scale, Q3 a short text."""
    survey = factories.SurveyFactory(title="Mentoring 2026", opens_at=None)
    mentor = factories.QuestionFactory(
        survey=survey, position=0, kind="single", text="Do you mentor?", choices=["Yes", "No"]
    )
    scale = factories.QuestionFactory(survey=survey, position=1, text="PD helps me.")
    support = factories.QuestionFactory(
        survey=survey, position=2, kind="short_text", text="What support would help?"
    )
    return survey, mentor, scale, support


def test_a_question_and_its_choices_are_made_in_one_save(signed_in):
    survey = factories.SurveyFactory()
    response = signed_in.post(
        builder(survey), question_data(choices=["Yes", "No", "Not yet"], min_value="7")
    )
    assert response.status_code == 302
    question = survey.questions.get()
    assert question.text == "Do you mentor new teachers?" and question.required
    assert list(question.choices.values_list("label", "value", "position")) == [
        ("Yes", "yes", 0),
        ("No", "no", 1),
        ("Not yet", "not-yet", 2),
    ]
    # A field the kind does not use is put back to its default, whatever was sent.
    assert question.min_value is None
    page = soup(signed_in.get(response["Location"]))
    item = page.find(id=f"question-{question.pk}")
    assert "Choices: Yes, No, Not yet" in item.get_text(" ", strip=True)
    # The next question comes after it.
    signed_in.post(builder(survey), question_data(kind="short_text", text="Why?"))
    signed_in.post(builder(survey), question_data(kind="long_text", text="Anything else?"))
    assert list(survey.questions.order_by("position", "pk").values_list("text", "position")) == [
        ("Do you mentor new teachers?", 0),
        ("Why?", 1),
        ("Anything else?", 2),
    ]


def test_fields_are_marked_with_the_kinds_that_use_them(signed_in):
    survey = factories.SurveyFactory()
    page = soup(signed_in.get(builder(survey)))
    kinds = {
        block.find(["input", "select", "textarea"])["name"]: block["data-kinds"]
        for block in page.select(".builder-form .builder-field[data-kinds]")
    }
    assert kinds["scale_points"] == "likert"
    assert kinds["min_value"] == kinds["max_value"] == "number"
    assert kinds["allow_other"] == "multiple"
    assert kinds["max_ranked"] == "topic_ranking"
    assert page.select_one(".builder-choices")["data-kinds"] == "single multiple"
    # Shared fields are for every kind.
    text = page.find("input", attrs={"name": "text"}).find_parent(class_="builder-field")
    assert not text.has_attr("data-kinds")


def test_a_choice_question_needs_two_choices(signed_in):
    survey = factories.SurveyFactory()
    response = signed_in.post(builder(survey), question_data(choices=["Only one"]))
    assert response.status_code == 200
    assert "Give a choice question at least 2 choices." in soup(response).get_text()
    assert not survey.questions.exists()
    # A text question needs none, and keeps none even if rows were filled in.
    response = signed_in.post(builder(survey), question_data(kind="short_text", choices=["Stray"]))
    assert response.status_code == 302
    assert not survey.questions.get().choices.exists()


def test_skip_logic_is_picked_from_the_earlier_questions_answers(signed_in, mentor_survey):
    survey, mentor, scale, support = mentor_survey
    page = soup(signed_in.get(builder(survey) + f"?edit={support.pk}"))
    select = page.find("select", attrs={"name": "condition"})
    groups = {
        group["label"]: [(o["value"], o.get_text()) for o in group.find_all("option")]
        for group in select.find_all("optgroup")
    }
    assert groups["Q1. Do you mentor?"] == [(f"{mentor.pk}:yes", "Yes"), (f"{mentor.pk}:no", "No")]
    assert groups["Q2. PD helps me."][3] == (f"{scale.pk}:4", "Agree")
    assert len(groups) == 2  # not the question itself, nor text questions

    data = question_data(
        question=str(support.pk),
        kind="short_text",
        text="What support would help?",
        condition=f"{mentor.pk}:yes",
    )
    assert signed_in.post(builder(survey), data).status_code == 302
    support.refresh_from_db()
    assert (support.show_if_question, support.show_if_value) == (mentor, "yes")


def test_skip_logic_value_that_is_not_an_answer_is_refused_and_shown_back(signed_in, mentor_survey):
    survey, mentor, _scale, support = mentor_survey
    data = question_data(
        question=str(support.pk),
        kind="short_text",
        text="What support would help?",
        condition=f"{mentor.pk}:Yes please",
    )
    response = signed_in.post(builder(survey), data)
    assert response.status_code == 200
    page = soup(response)
    field = page.find("select", attrs={"name": "condition"}).find_parent(class_="builder-field")
    assert (
        "“Yes please” is not an answer to “Do you mentor?”. Pick one of: Yes, No."
        in field.get_text()
    )
    selected = field.find("option", selected=True)
    assert selected["value"] == f"{mentor.pk}:Yes please"
    support.refresh_from_db()
    assert support.show_if_question is None and support.show_if_value == ""


def test_skip_logic_cannot_follow_a_later_question(signed_in, mentor_survey):
    survey, mentor, scale, _support = mentor_survey
    data = question_data(
        question=str(mentor.pk),
        text="Do you mentor?",
        choices=[],
        condition=f"{scale.pk}:5",
        **{
            "choices-INITIAL_FORMS": "2",
            "choices-TOTAL_FORMS": "2",
            "choices-0-id": str(mentor.choices.get(value="yes").pk),
            "choices-0-label": "Yes",
            "choices-0-value": "yes",
            "choices-1-id": str(mentor.choices.get(value="no").pk),
            "choices-1-label": "No",
            "choices-1-value": "no",
        },
    )
    response = signed_in.post(builder(survey), data)
    assert response.status_code == 200
    assert (
        "“PD helps me.” comes after this question: skip logic can only follow an earlier "
        "question." in soup(response).get_text()
    )
    mentor.refresh_from_db()
    assert mentor.show_if_question is None


def test_a_trigger_keeps_the_answers_its_dependents_wait_for(signed_in, mentor_survey):
    survey, mentor, _scale, support = mentor_survey
    support.show_if_question, support.show_if_value = mentor, "yes"
    support.save()
    yes, no = mentor.choices.get(value="yes"), mentor.choices.get(value="no")
    data = question_data(
        question=str(mentor.pk),
        text="Do you mentor?",
        **{
            "choices-INITIAL_FORMS": "2",
            "choices-TOTAL_FORMS": "2",
            "choices-0-id": str(yes.pk),
            "choices-0-label": "Yes",
            "choices-0-value": "yes",
            "choices-0-DELETE": "on",
            "choices-1-id": str(no.pk),
            "choices-1-label": "No",
            "choices-1-value": "no",
        },
    )
    data |= {"choices-TOTAL_FORMS": "3", "choices-2-label": "Sometimes", "choices-2-id": ""}
    response = signed_in.post(builder(survey), data)
    assert response.status_code == 200
    assert "“What support would help?” is shown when this question is answered “yes”" in (
        soup(response).get_text()
    )
    assert mentor.choices.count() == 2
    # Renaming the code carries over to the skip logic.
    data.pop("choices-0-DELETE")
    data["choices-0-value"] = "si"
    assert signed_in.post(builder(survey), data).status_code == 302
    support.refresh_from_db()
    assert support.show_if_value == "si"
    assert list(mentor.choices.values_list("value", flat=True)) == ["si", "no", "sometimes"]


def test_the_admin_question_page_applies_the_same_skip_logic_rule(signed_in, mentor_survey):
    _survey, mentor, _scale, support = mentor_survey
    support.show_if_question, support.show_if_value = mentor, "Yes please"
    with pytest.raises(Exception, match="is not an answer to"):
        support.full_clean()


def test_questions_move_up_and_down_and_respect_skip_logic(signed_in, mentor_survey):
    survey, mentor, scale, support = mentor_survey

    def order():
        return list(survey.questions.order_by("position", "pk").values_list("text", flat=True))

    response = signed_in.post(builder(survey), {"action": "down", "question": mentor.pk})
    assert response.status_code == 302 and response["Location"].endswith(f"#question-{mentor.pk}")
    assert order() == ["PD helps me.", "Do you mentor?", "What support would help?"]
    signed_in.post(builder(survey), {"action": "up", "question": support.pk})
    assert order() == ["PD helps me.", "What support would help?", "Do you mentor?"]
    # The respondent's order follows.
    assert [q.text for q in survey_plan(slug=survey.slug).questions] == order()
    # A question cannot pass the one it depends on.
    support.refresh_from_db()
    mentor.refresh_from_db()
    signed_in.post(builder(survey), {"action": "down", "question": support.pk})
    support.show_if_question, support.show_if_value = mentor, "yes"
    support.save()
    response = signed_in.post(
        builder(survey), {"action": "up", "question": support.pk}, follow=True
    )
    assert "cannot swap: one is shown by an answer to the other" in soup(response).get_text()
    assert order() == ["PD helps me.", "Do you mentor?", "What support would help?"]
    # The first question has no "Move up", the last no "Move down".
    page = soup(signed_in.get(builder(survey)))
    first = page.find(id=f"question-{scale.pk}")
    assert first.find("button", value="up") is None and first.find("button", value="down")


def test_profile_questions_come_in_their_own_last_section(signed_in):
    survey = factories.SurveyFactory()
    factories.SectionFactory(survey=survey, title="Your learning", position=0)
    factories.QuestionFactory(survey=survey, text="PD helps me.")
    signed_in.post(builder(survey), {"action": "profile"})
    section = Section.objects.get(survey=survey, title="About you")
    assert section.title_es == "Sobre usted" and section.position == 1
    assert section.questions.count() == 3
    plan = survey_plan(slug=survey.slug)
    assert plan.pages[-1].section == section
    assert plan.pages[0].section is None  # the existing loose question stays first
    # The admin action does the same.
    signed_in.post(
        "/admin/surveys/survey/",
        {"action": "add_profile_questions", "_selected_action": [survey.pk]},
    )
    assert survey.sections.filter(title="About you").count() == 2
    assert not survey.questions.filter(section=None, crosstab_field="role").exists()


def test_publishing_opens_the_survey_now(signed_in, coordinator, mentor_survey):
    survey, *_questions = mentor_survey
    assert survey.opens_at is None
    page = soup(signed_in.get(builder(survey)))
    assert "Not published yet" in page.select_one(".builder-state").get_text()
    signed_in.post(builder(survey), {"action": "publish"})
    survey.refresh_from_db()
    assert survey.opens_at <= timezone.now()
    entry = LogEntry.objects.get(object_id=str(survey.pk))  # in the survey's History
    assert entry.user == coordinator
    assert entry.change_message.startswith("Published: opens ")
    assert "(was not set)" in entry.change_message
    assert "Mentoring 2026" in signed_in.get("/surveys/").content.decode()
    empty = factories.SurveyFactory(opens_at=None)
    response = signed_in.post(builder(empty), {"action": "publish"}, follow=True)
    assert "Add a question before publishing the survey." in response.content.decode()


def test_only_coordinators_build_and_preview(client, mentor_survey):
    survey, *_questions = mentor_survey
    client.force_login(factories.ProviderStaffFactory())
    assert client.get(builder(survey)).status_code == 403
    assert client.get(f"/surveys/{survey.slug}/preview/").status_code == 404
    client.force_login(factories.EducatorFactory())
    assert client.get(f"/surveys/{survey.slug}/preview/").status_code == 404


def test_preview_is_the_respondents_page_and_saves_nothing(signed_in, mentor_survey):
    survey, mentor, scale, support = mentor_survey
    support.show_if_question, support.show_if_value = mentor, "yes"
    support.save()
    url = f"/surveys/{survey.slug}/preview/"
    page = soup(signed_in.get(url))
    assert "Nothing you enter here is saved." in page.get_text()
    form = page.find("form", class_="survey-form")
    assert form["action"] == url
    assert form.find(id=f"question-{support.pk}")["data-show-if"] == f"q{mentor.pk}"
    assert form.find("button", value="save") is None  # no "save and finish later"
    # Errors are shown as to a respondent.
    response = signed_in.post(url, {"action": "submit", "page": "1"})
    assert "Please correct the 2 answers marked below." in soup(response).get_text()
    response = signed_in.post(
        url,
        {
            "action": "submit",
            "page": "1",
            f"q{mentor.pk}": str(mentor.choices.get(value="yes").pk),
            f"q{scale.pk}": "4",
            f"q{support.pk}": "Release time",
        },
    )
    assert response.status_code == 302 and response["Location"] == builder(survey)
    assert not Response.objects.exists() and not Answer.objects.exists()
    assert survey.opens_at is None  # previewing does not publish


def test_new_survey_goes_on_to_the_builder(signed_in):
    response = signed_in.post(
        "/admin/surveys/survey/add/",
        {
            "title": "Coaching survey",
            "title_es": "",
            "intro": "",
            "intro_es": "",
            "thank_you": "",
            "thank_you_es": "",
            "slug": "coaching-survey",
            "kind": "general",
            "sections-TOTAL_FORMS": "0",
            "sections-INITIAL_FORMS": "0",
        },
    )
    survey = factories.SurveyFactory._meta.model.objects.get(slug="coaching-survey")
    assert response["Location"] == builder(survey)


def test_builder_page_queries_do_not_grow_with_questions(
    signed_in, mentor_survey, django_assert_max_num_queries
):
    survey, *_questions = mentor_survey
    for n in range(10):
        factories.QuestionFactory(survey=survey, kind="single", choices=[f"A{n}", f"B{n}"])
    with django_assert_max_num_queries(14):
        assert signed_in.get(builder(survey)).status_code == 200


__all__ = ["Question"]


def test_kind_fields_are_checked_only_for_their_kind(signed_in):
    survey = factories.SurveyFactory()
    response = signed_in.post(
        builder(survey), question_data(kind="likert", choices=[], scale_points="40")
    )
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 11." in soup(response).get_text()
    # The same value on a single-choice question is not its business.
    response = signed_in.post(builder(survey), question_data(choices=["A", "B"], scale_points="40"))
    assert response.status_code == 302
    assert survey.questions.get().scale_points == 5


def test_a_trigger_cannot_change_into_a_kind_its_dependents_cannot_follow(signed_in, mentor_survey):
    survey, mentor, _scale, support = mentor_survey
    support.show_if_question, support.show_if_value = mentor, "yes"
    support.save()
    for kind, reason in (
        ("short_text", "Skip logic can only follow a choice or agreement-scale question."),
        ("likert", "“yes” is not an answer to “Do you mentor?”."),
    ):
        data = question_data(question=str(mentor.pk), kind=kind, text="Do you mentor?")
        response = signed_in.post(builder(survey), data)
        assert response.status_code == 200
        kind_field = soup(response).find("select", attrs={"name": "kind"})
        errors = kind_field.find_parent(class_="builder-field").get_text()
        assert "“What support would help?” is shown by an answer to this question" in errors
        assert reason in errors
    mentor.refresh_from_db()
    assert mentor.kind == "single" and mentor.choices.count() == 2


def test_an_unchecked_old_condition_is_shown_for_what_it_is(signed_in, mentor_survey):
    survey, mentor, _scale, support = mentor_survey
    Question.objects.filter(pk=support.pk).update(
        show_if_question=mentor, show_if_value="Yes please"
    )
    page = soup(signed_in.get(builder(survey) + f"?edit={support.pk}"))
    selected = page.find("select", attrs={"name": "condition"}).find("option", selected=True)
    assert selected["value"] == f"{mentor.pk}:Yes please"
    assert "not an answer you can pick" in selected.get_text()
