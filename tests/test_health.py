import pytest
from bs4 import BeautifulSoup
from django.db import OperationalError, connection


@pytest.mark.django_db
def test_healthz_is_ok_when_the_database_answers(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert ("redis" in body["checks"]) == bool(settings.REDIS_URL)
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "down"


@pytest.mark.django_db
def test_healthz_says_degraded_but_stays_up_when_redis_is_down(client, settings):
    """Pages, sign-in and registration work without Redis (the cache degrades, e-mails
    wait in the outbox), so a load balancer must not take the hub out of service."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"] == {"database": "ok", "redis": "down"}


@pytest.mark.redis
@pytest.mark.django_db
def test_healthz_checks_a_running_redis(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["redis"] == "ok"


@pytest.mark.django_db
def test_the_status_page_tells_people_in_words_and_the_footer_links_it(client):
    response = client.get("/status/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    assert soup.h1.get_text() == "Service status"
    assert "Everything is working." in soup.select_one(".status-summary").get_text()
    home = BeautifulSoup(client.get("/").content.decode(), "html.parser")
    assert home.select_one("footer a[href='/status/']").get_text() == "Service status"


@pytest.mark.django_db
def test_the_status_page_says_email_is_delayed_when_redis_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/status/")
    assert response.status_code == 200
    text = BeautifulSoup(response.content.decode(), "html.parser").get_text()
    assert "some e-mails may arrive late" in text
    assert "Delayed" in text
