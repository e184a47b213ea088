import pytest
from bs4 import BeautifulSoup

from surveys.models import Question, Survey
from tests import factories


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def choice_pk(question, value):
    return str(question.choices.get(value=value).pk)


@pytest.fixture
def kinds_survey(db):
    """One page with one question of every kind (anonymous, open)."""
    survey = factories.SurveyFactory(title="Every Kind Survey", anonymous=True)
    topics = [factories.TopicFactory(name=n) for n in ("Early literacy", "STEM", "Wellness")]
    q = {}
    q["likert"] = factories.QuestionFactory(survey=survey, text="PD meets my needs.")
    q["single"] = factories.QuestionFactory(
        survey=survey, kind=Question.Kind.SINGLE, text="Do you mentor?", choices=["Yes", "No"]
    )
    q["multiple"] = factories.QuestionFactory(
        survey=survey,
        kind=Question.Kind.MULTIPLE,
        text="Formats?",
        allow_other=True,
        required=False,
        choices=["Webinar", "Workshop"],
    )
    q["short"] = factories.QuestionFactory(
        survey=survey, kind=Question.Kind.SHORT_TEXT, text="Your school?", required=False
    )
    q["long"] = factories.QuestionFactory(
        survey=survey, kind=Question.Kind.LONG_TEXT, text="Anything else?", required=False
    )
    q["number"] = factories.QuestionFactory(
        survey=survey,
        kind=Question.Kind.NUMBER,
        text="Hours wanted?",
        min_value=0,
        max_value=100,
        required=False,
    )
    q["ranking"] = factories.QuestionFactory(
        survey=survey,
        kind=Question.Kind.TOPIC_RANKING,
        text="Rank topics",
        max_ranked=2,
        required=False,
    )
    return survey, q, topics


def valid_payload(q, topics):
    return {
        "action": "submit",
        "page": "1",
        f"q{q['likert'].pk}": "4",
        f"q{q['single'].pk}": choice_pk(q["single"], "yes"),
        f"q{q['multiple'].pk}": [choice_pk(q["multiple"], "webinar"), "other"],
        f"q{q['multiple'].pk}_other": "Podcasts",
        f"q{q['short'].pk}": "Roosevelt Elementary",
        f"q{q['long'].pk}": "More evening sessions.",
        f"q{q['number'].pk}": "12.5",
        f"q{q['ranking'].pk}_0": str(topics[1].pk),
        f"q{q['ranking'].pk}_1": str(topics[0].pk),
    }


__all__ = ["Survey", "choice_pk", "soup", "valid_payload"]
