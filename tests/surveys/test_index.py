"""/surveys/ lists what anyone may answer now, and the home page points to it."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from tests import factories


def page(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


@pytest.mark.django_db
def test_open_surveys_are_listed_and_closed_draft_feedback_and_invitation_ones_are_not(client):
    now = timezone.now()
    day = datetime.timedelta(days=1)
    factories.SurveyFactory(title="Needs 2027", kind="needs", closes_at=now + 9 * day)
    factories.SurveyFactory(title="Family nights", kind="general", closes_at=None)
    factories.SurveyFactory(
        title="Closed last week", closes_at=now - 7 * day, opens_at=now - 30 * day
    )
    factories.SurveyFactory(title="Opens tomorrow", opens_at=now + day)
    factories.SurveyFactory(title="Still being built", opens_at=None)
    factories.SurveyFactory(title="Invite only", anonymous=True, invitation_only=True)
    event = factories.EventFactory()
    factories.SurveyFactory(title="Feedback for one event", kind="feedback", event=event)

    soup = page(client, "surveys:index")

    titles = [h.get_text(strip=True) for h in soup.select(".survey-card-title")]
    assert titles == ["Needs 2027", "Family nights"]  # soonest to close first
    link = soup.select_one(".survey-card-title a")
    assert link["href"] == reverse("surveys:take", args=["needs-2027"])


@pytest.mark.django_db
def test_no_open_survey_says_so(client):
    soup = page(client, "surveys:index")
    assert "No survey is open right now" in soup.select_one(".empty-state").get_text()


@pytest.mark.django_db
def test_the_home_page_links_the_open_needs_survey(client):
    factories.SurveyFactory(title="Summer reading poll", kind="general")
    factories.SurveyFactory(title="Needs 2027", kind="needs")
    soup = page(client, "home")
    banner = soup.select_one(".home-survey")
    assert "Needs 2027" in banner.get_text()
    hrefs = [a["href"] for a in banner.find_all("a")]
    assert reverse("surveys:take", args=["needs-2027"]) in hrefs
    assert reverse("surveys:index") in hrefs


@pytest.mark.django_db
def test_the_home_page_has_no_survey_banner_when_none_is_open(client):
    assert page(client, "home").select_one(".home-survey") is None
