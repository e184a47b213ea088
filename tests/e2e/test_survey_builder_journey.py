"""A coordinator makes a three-question survey with skip logic on the builder's one
page (choices inline, the fields shown follow the kind), reorders it with the keyboard,
previews it as a respondent sees it (nothing saved), publishes it; an educator takes it
and the conditional question appears only after the answer it waits for. Axe on every
page."""

import re

import pytest
from playwright.sync_api import expect

from surveys.models import Question, Response, Survey
from tests import factories
from tests.e2e.test_catalog_journey import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_build_preview_publish_and_take_a_survey_with_skip_logic(
    live_server, browser, page, assert_accessible
):
    coordinator = factories.CoordinatorFactory()
    educator = factories.EducatorFactory()

    sign_in(page, live_server, coordinator)
    page.goto(live_server.url + "/admin/surveys/survey/add/")
    page.locator("#id_title").fill("Mentoring check-in")
    page.locator("#id_title").press("Tab")
    expect(page.locator("#id_slug")).to_have_value("mentoring-check-in")  # made from the title
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/builder/$"))
    survey = Survey.objects.get(slug="mentoring-check-in")
    assert page.url.endswith(f"/admin/surveys/survey/{survey.pk}/builder/")
    assert "Not published yet" in page.locator(".builder-state").inner_text()
    assert_accessible(page)

    editor = page.locator(".builder-form")
    choices = editor.locator(".builder-choices")
    scale = editor.get_by_label("Scale points")

    # Q1: a single choice with its choices, in the same form.
    expect(choices).to_be_visible()
    expect(scale).to_be_hidden()
    editor.get_by_label("Question (required)", exact=True).fill("Do you mentor new teachers?")
    editor.get_by_label("Choice 1", exact=True).fill("Yes")
    editor.get_by_label("Choice 2", exact=True).fill("No")
    expect(editor.get_by_label("Choice 3", exact=True)).to_be_hidden()
    editor.get_by_role("button", name="Add another choice").click()
    editor.get_by_label("Choice 3", exact=True).fill("Not yet")
    editor.get_by_role("button", name="Add question").click()
    expect(page.locator(".messagelist")).to_contain_text("Question saved: Do you mentor")
    mentor = survey.questions.get()
    assert list(mentor.choices.values_list("value", flat=True)) == ["yes", "no", "not-yet"]

    # Q2: short text, shown only if Q1 is "Yes" (picked from Q1's actual choices).
    editor.get_by_label("Kind (required)").select_option(label="Short text")
    expect(choices).to_be_hidden()
    expect(scale).to_be_hidden()
    editor.get_by_label("Question (required)", exact=True).fill(
        "What support would help you as a mentor?"
    )
    condition = editor.get_by_label("Show this question only if")
    group = condition.locator("optgroup")
    assert group.get_attribute("label") == "Q1. Do you mentor new teachers?"
    assert group.locator("option").all_inner_texts() == ["Yes", "No", "Not yet"]
    condition.select_option(label="Yes")
    editor.get_by_role("button", name="Add question").click()
    expect(page.locator(".messagelist")).to_contain_text("Question saved: What support")

    # Q3: an agreement scale; its own fields show, the choices do not.
    editor.get_by_label("Kind (required)").select_option(label="Agreement scale (Likert)")
    expect(scale).to_be_visible()
    expect(choices).to_be_hidden()
    editor.get_by_label("Question (required)", exact=True).fill("PD this year met my needs.")
    editor.get_by_role("button", name="Add question").click()
    expect(page.locator(".messagelist")).to_contain_text("Question saved: PD this year")
    assert_accessible(page)

    # The builder fits a phone.
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.set_viewport_size({"width": 1280, "height": 900})

    outline = page.locator(".builder-questions")
    assert "Shown only if Q1. Do you mentor new teachers? is answered “Yes”." in (
        outline.inner_text()
    )
    # Move the scale question up, with the keyboard.
    page.get_by_role("button", name="Move up Q3").focus()
    page.keyboard.press("Enter")
    expect(outline.locator(".builder-question-text")).to_have_text(
        [
            "Q1. Do you mentor new teachers?",
            "Q2. PD this year met my needs.",
            "Q3. What support would help you as a mentor?",
        ]
    )

    # The preview is the respondent's page; nothing is stored.
    page.get_by_role("link", name="Preview").click()
    assert "Nothing you enter here is saved." in page.locator("main").inner_text()
    support = page.get_by_label("What support would help you as a mentor?")
    expect(support).to_be_hidden()
    page.get_by_label("Yes", exact=True).check()
    expect(support).to_be_visible()
    support.fill("Release time")
    page.get_by_label("Agree", exact=True).check()
    assert_accessible(page)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator(".messagelist")).to_contain_text("Nothing was saved.")
    assert not Response.objects.exists()

    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".builder-state")).to_contain_text("Published: open since")

    # An educator finds it and takes it.
    context = browser.new_context(viewport={"width": 375, "height": 800})
    phone = context.new_page()
    sign_in(phone, live_server, educator)
    phone.goto(live_server.url + "/surveys/")
    phone.get_by_role("link", name="Mentoring check-in", exact=True).click()
    support = phone.get_by_label("What support would help you as a mentor?")
    expect(support).to_be_hidden()
    phone.get_by_label("No", exact=True).check()
    expect(support).to_be_hidden()
    phone.get_by_label("Yes", exact=True).check()
    expect(support).to_be_visible()
    phone.get_by_label("No", exact=True).check()
    expect(support).to_be_hidden()
    phone.get_by_label("Yes", exact=True).check()
    support.fill("A mentor network")
    phone.get_by_label("Strongly agree").check()
    assert_accessible(phone)
    phone.get_by_role("button", name="Submit my answers").click()
    expect(phone.locator("h1")).to_have_text("Thank you!")
    response = Response.objects.get(survey=survey)
    assert response.user == educator
    assert response.answers.filter(text="A mentor network").exists()
    likert = survey.questions.get(kind=Question.Kind.LIKERT)
    assert response.answers.get(question=likert).number == 5
    assert re.search(r"/surveys/mentoring-check-in/thanks/$", phone.url)
    context.close()
