import pytest
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
