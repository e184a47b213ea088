"""The builder: duplicating for next year, the default feedback survey on events, the
follow-up e-mail that invites attendees, the roster summary, admin actions."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from events import notifications as event_messages
from events.models import Attendance
from surveys.models import Answer, Question, Response, Survey
from surveys.services import feedback_survey_for_event, survey_duplicate
from tests import factories
from tests.surveys.conftest import soup

pytestmark = pytest.mark.django_db


def _past_event(**kwargs):
    return factories.EventFactory(
        sessions=[(factories.in_days(-3), factories.in_days(-3, hour=18))], **kwargs
    )


def test_duplicate_for_next_year_copies_questions_not_responses():
    survey = factories.SurveyFactory(title="2026–27 Educator Needs Survey", kind="needs")
    section = factories.SectionFactory(survey=survey, title="About you")
    mentor = factories.QuestionFactory(
        survey=survey, section=section, kind=Question.Kind.SINGLE, choices=["Yes", "No"]
    )
    factories.QuestionFactory(
        survey=survey,
        section=section,
        kind=Question.Kind.SHORT_TEXT,
        show_if_question=mentor,
        show_if_value="yes",
    )
    response = Response.objects.create(
        survey=survey, status="submitted", submitted_on=timezone.localdate()
    )
    Answer.objects.create(response=response, question=mentor, choice=mentor.choices.first())

    copy = survey_duplicate(survey=survey)

    assert copy.title == "2027–28 Educator Needs Survey"
    assert copy.slug != survey.slug
    assert copy.opens_at.year == survey.opens_at.year + 1
    assert copy.responses.count() == 0
    assert copy.sections.get().title == "About you"
    questions = list(copy.questions.order_by("position"))
    assert [q.kind for q in questions] == ["single", "short_text"]
    assert list(questions[0].choices.values_list("value", flat=True)) == ["yes", "no"]
    assert questions[1].show_if_question == questions[0]
    assert questions[0].section.survey == copy
    # the original is untouched
    assert survey.questions.count() == 2 and survey.responses.count() == 1


def test_admin_duplicate_action(client, coordinator):
    survey = factories.SurveyFactory(title="Climate 2026")
    factories.QuestionFactory(survey=survey)
    client.force_login(coordinator)
    response = client.post(
        "/admin/surveys/survey/",
        {"action": "duplicate_for_next_year", "_selected_action": [survey.pk]},
        follow=True,
    )
    assert response.status_code == 200
    copy = Survey.objects.get(title="Climate 2027")
    assert copy.questions.count() == 1


def test_admin_builder_pages_open_for_coordinators(client, coordinator):
    survey = factories.SurveyFactory()
    question = factories.QuestionFactory(survey=survey, kind="single", choices=["A", "B"])
    client.force_login(coordinator)
    assert client.get(f"/admin/surveys/survey/{survey.pk}/change/").status_code == 200
    assert client.get(f"/admin/surveys/question/{question.pk}/change/").status_code == 200
    assert client.get("/admin/surveys/survey/add/").status_code == 200


def test_feedback_survey_for_event_is_attached_once():
    event = _past_event(title="Trauma-informed Classrooms")
    survey = feedback_survey_for_event(event=event)
    assert feedback_survey_for_event(event=event) == survey
    assert survey.kind == Survey.Kind.FEEDBACK and not survey.anonymous
    assert event.feedback_survey == survey
    texts = list(survey.questions.order_by("position").values_list("text", "kind"))
    assert texts == [
        ("This session is applicable to my practice.", "likert"),
        ("The presenter was engaging.", "likert"),
        ("I learned something useful.", "likert"),
        ("Comments (optional)", "long_text"),
    ]
    assert survey.closes_at > event.ends_at


def test_feedback_template_is_copied_when_there_is_one():
    template = factories.SurveyFactory(title="Template", kind="feedback", is_feedback_template=True)
    factories.QuestionFactory(survey=template, text="Would you recommend it?")
    survey = feedback_survey_for_event(event=_past_event())
    assert list(survey.questions.values_list("text", flat=True)) == ["Would you recommend it?"]


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


def _attended_event(title):
    start = (timezone.now() - datetime.timedelta(hours=6)).replace(microsecond=0)
    event = factories.EventFactory(
        title=title, sessions=[(start, start + datetime.timedelta(hours=2))]
    )
    registration = factories.RegistrationFactory(event=event)
    Attendance.objects.create(registration=registration, session=event.sessions.get())
    return event, registration.user


def test_followup_invites_attendees_to_the_attached_survey(run):
    event, attendee = _attended_event("Kindness Lab")
    survey = feedback_survey_for_event(event=event)
    run(event_messages.followups_enqueue_due)
    sent = [m for m in mail.outbox if m.to == [attendee.email]]
    assert len(sent) == 1
    assert f"/surveys/{survey.slug}/" in sent[0].body
    html = sent[0].alternatives[0][0]
    assert f"/surveys/{survey.slug}/" in html


def test_followup_attaches_the_template_survey_when_the_event_has_none(run):
    template = factories.SurveyFactory(kind="feedback", is_feedback_template=True)
    factories.QuestionFactory(survey=template, text="Worth your time?")
    event, attendee = _attended_event("Robotics Night")
    run(event_messages.followups_enqueue_due)
    survey = Survey.objects.get(event=event)
    assert list(survey.questions.values_list("text", flat=True)) == ["Worth your time?"]
    (message,) = [m for m in mail.outbox if m.to == [attendee.email]]
    assert f"/surveys/{survey.slug}/" in message.body


def test_followup_without_template_or_survey_links_to_the_event(run):
    event, attendee = _attended_event("Poetry Hour")
    run(event_messages.followups_enqueue_due)
    assert not Survey.objects.filter(event=event).exists()
    (message,) = [m for m in mail.outbox if m.to == [attendee.email]]
    assert f"/events/{event.slug}/" in message.body


def test_roster_shows_feedback_summary(client, coordinator):
    event = _past_event(title="Math Circles")
    survey = feedback_survey_for_event(event=event)
    likert = list(survey.questions.filter(kind="likert"))
    for points in ([5, 5, 4], [3, 2, 4]):
        user = factories.RegistrationFactory(event=event).user
        response = Response.objects.create(
            survey=survey, user=user, status="submitted", submitted_on=timezone.localdate()
        )
        Answer.objects.bulk_create(
            [
                Answer(response=response, question=q, number=Decimal(p))
                for q, p in zip(likert, points, strict=True)
            ]
        )
    client.force_login(coordinator)
    page = soup(client.get(f"/admin/events/event/{event.pk}/roster/"))
    section = page.find("section", class_="event-feedback")
    assert "2 responses" in section.get_text()
    assert section.select_one(".feedback-agree").get_text(strip=True) == "66.7%"


def test_roster_offers_to_attach_feedback(client):
    provider = factories.ProviderFactory()
    event = _past_event(provider=provider)
    staff = factories.ProviderStaffFactory(provider=provider)
    client.force_login(staff)
    page = soup(client.get(f"/admin/events/event/{event.pk}/roster/"))
    form = page.find("section", class_="event-feedback").find("form")
    response = client.post(form["action"])
    assert response.status_code == 302
    assert Survey.objects.get(event=event).kind == "feedback"
    other = factories.ProviderStaffFactory()
    client.force_login(other)
    second = _past_event(provider=provider)
    assert client.post(f"/surveys/feedback/event/{second.pk}/").status_code == 404
    client.force_login(factories.EducatorFactory())
    assert client.post(f"/surveys/feedback/event/{second.pk}/").status_code == 404
    assert not Survey.objects.filter(event=second).exists()


def test_survey_state_window():
    now = timezone.now()
    survey = factories.SurveyFactory(opens_at=None, closes_at=None)
    assert survey.state() == "open"
    survey.closes_at = now - datetime.timedelta(minutes=1)
    assert survey.state() == "closed"
