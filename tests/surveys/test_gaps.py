"""The needs-versus-supply gap report: demand per topic by grade band, supply from the
catalog in the coming months, ranked by gap score."""

import pytest
from django.utils import timezone

from surveys.models import Answer, Choice, Question, Response
from surveys.reports import gap_score
from tests import factories
from tests.surveys.conftest import soup
from trec.accounts.models import GradeBand

pytestmark = pytest.mark.django_db


@pytest.fixture
def needs(db):
    survey = factories.SurveyFactory(title="Needs 2026", kind="needs", anonymous=True)
    ranking = factories.QuestionFactory(
        survey=survey, kind=Question.Kind.TOPIC_RANKING, text="Rank topics", max_ranked=2
    )
    literacy = factories.TopicFactory(name="Early literacy")
    stem = factories.TopicFactory(name="STEM")
    wellness = factories.TopicFactory(name="Wellness")
    k2 = GradeBand.objects.get(code="k-2")
    hs = GradeBand.objects.get(code="9-12")
    # 4 ask for literacy (3 K–2, 1 9–12), 3 for STEM, 1 for wellness
    asks = [
        (k2, [literacy, stem]),
        (k2, [literacy]),
        (k2, [literacy, wellness]),
        (hs, [stem, literacy]),
        (hs, [stem]),
    ]
    for band, topics in asks:
        response = Response.objects.create(
            survey=survey, status="submitted", submitted_on=timezone.localdate(), grade_band=band
        )
        Answer.objects.bulk_create(
            [
                Answer(response=response, question=ranking, topic=topic, rank=rank)
                for rank, topic in enumerate(topics, start=1)
            ]
        )
    # supply: literacy has 3 events soon (one unlimited), STEM one far away only
    for capacity in (20, 30, None):
        factories.EventFactory(topics=[literacy], capacity=capacity)
    factories.EventFactory(
        topics=[stem],
        capacity=25,
        sessions=[(factories.in_days(300), factories.in_days(300, hour=18))],
    )
    return survey, literacy, stem, wellness


def test_gaps_ranked_by_score(client, coordinator, needs):
    survey, literacy, stem, wellness = needs
    client.force_login(coordinator)
    page = soup(client.get(f"/surveys/{survey.slug}/gaps/"))
    assert len(page.find_all("h1")) == 1
    rows = [
        [cell.get_text(" ", strip=True) for cell in tr.find_all(["th", "td"])]
        for tr in page.select("table.gaps-table tbody tr")
    ]
    topics = [row[1] for row in rows]
    # STEM: 3 asking, 0 events in 6 months → 3.0; literacy: 4 / (3+1) = 1.0; wellness 1.0
    assert topics == ["STEM", "Early literacy", "Wellness"]
    stem_row, literacy_row = rows[0], rows[1]
    assert stem_row[2] == "3 (60.0%)"
    assert stem_row[-3:] == ["0", "0", "3.0"]
    assert literacy_row[-3:] == ["3", "50 + unlimited", "1.0"]
    # by grade band: Birth–pre-K, K–2, 3–5, 6–8, 9–12
    assert literacy_row[3:8] == ["0", "3", "0", "0", "1"]
    assert page.find("svg", attrs={"role": "img"}).title


def test_gaps_months_is_a_form_field(client, coordinator, needs):
    survey, literacy, stem, wellness = needs
    client.force_login(coordinator)
    page = soup(client.get(f"/surveys/{survey.slug}/gaps/?months=12"))
    rows = {
        tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")]
        for tr in page.select("table.gaps-table tbody tr")
    }
    assert rows["STEM"][-3:] == ["1", "25", "1.5"]
    assert page.find("input", attrs={"name": "months"})["value"] == "12"
    bad = soup(client.get(f"/surveys/{survey.slug}/gaps/?months=-4"))
    assert bad.select(".errorlist")


def test_gap_score_rule():
    assert gap_score(demand=10, events=0) == 10
    assert gap_score(demand=10, events=4) == 2


def test_multiple_choice_topic_questions_count_as_demand(client, coordinator):
    survey = factories.SurveyFactory(kind="needs", anonymous=True)
    topic = factories.TopicFactory(name="Arts integration")
    question = factories.QuestionFactory(survey=survey, kind=Question.Kind.MULTIPLE)
    choice = Choice.objects.create(question=question, label="Arts", value="arts", topic=topic)
    response = Response.objects.create(
        survey=survey, status="submitted", submitted_on=timezone.localdate()
    )
    Answer.objects.create(response=response, question=question, choice=choice)
    client.force_login(coordinator)
    page = soup(client.get(f"/surveys/{survey.slug}/gaps/"))
    assert page.select_one("table.gaps-table tbody th").get_text(strip=True) == "Arts integration"


def test_gaps_queries_are_fixed(client, coordinator, needs, django_assert_num_queries):
    survey, *_ = needs
    client.force_login(coordinator)
    client.get(f"/surveys/{survey.slug}/gaps/")
    with django_assert_num_queries(13):
        client.get(f"/surveys/{survey.slug}/gaps/")
    more = factories.TopicFactory(name="More")
    for _ in range(5):
        factories.EventFactory(topics=[more], capacity=10)
    with django_assert_num_queries(13):
        client.get(f"/surveys/{survey.slug}/gaps/")


def test_gaps_permissions(client, needs):
    survey, *_ = needs
    path = f"/surveys/{survey.slug}/gaps/"
    assert client.get(path).status_code == 302
    client.force_login(factories.EducatorFactory())
    assert client.get(path).status_code == 404
    client.force_login(factories.ProviderStaffFactory())
    assert client.get(path).status_code == 404
    general = factories.SurveyFactory(kind="general")
    client.force_login(factories.CoordinatorFactory())
    assert client.get(f"/surveys/{general.slug}/gaps/").status_code == 404
