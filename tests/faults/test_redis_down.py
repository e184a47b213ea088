"""Redis down: pages, sign-in and registration keep working; the cache falls back to
local memory; messages wait in the outbox and go out (once) when Redis is back.

Redis is "down" by pointing the cache and the Celery broker at a closed local port, the
way a stopped server looks (connection refused), without touching the shared Redis.
"""

import contextlib
import datetime
import socket
import time

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from events.models import Registration
from tests import factories
from trec.cache import FallbackRedisCache
from trec.celery import app
from trec.notifications import services as notifications
from trec.notifications.models import Notification

pytestmark = pytest.mark.django_db

LATER = datetime.timedelta(minutes=2)


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dead_redis_cache(**options) -> dict:
    return {
        "default": {
            "BACKEND": "trec.cache.FallbackRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "KEY_PREFIX": "trec",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, **options},
        }
    }


def _reset_broker_connections() -> None:
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def redis_down():
    """The cache and the broker both point at a port where nothing answers."""
    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = f"redis://127.0.0.1:{closed_port()}/0"
    _reset_broker_connections()
    try:
        with override_settings(CACHES=dead_redis_cache()):
            yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved
        _reset_broker_connections()


def test_cache_falls_back_to_local_memory_and_stops_asking_redis():
    backend = FallbackRedisCache(
        f"redis://127.0.0.1:{closed_port()}/0", {"OPTIONS": {"FALLBACK_RETRY_SECONDS": 30}}
    )
    assert backend.get("missing", "default") == "default"
    assert backend.is_down
    backend.set("greeting", "hola", 60)
    assert backend.get("greeting") == "hola"
    assert backend.add("lock", True) is True
    assert backend.add("lock", True) is False
    backend.set("hits", 1)
    assert backend.incr("hits") == 2
    started = time.perf_counter()
    for _ in range(200):
        backend.get("greeting")
    # The circuit is open: no connection attempt (each would be a refused connect).
    assert time.perf_counter() - started < 0.2


def test_cache_tries_redis_again_after_the_retry_window():
    backend = FallbackRedisCache(
        f"redis://127.0.0.1:{closed_port()}/0", {"OPTIONS": {"FALLBACK_RETRY_SECONDS": 0}}
    )
    backend.get("x")
    calls = []
    original = backend.fallback.get
    backend.fallback.get = lambda *a, **k: calls.append(a) or original(*a, **k)
    backend.get("x")
    backend.get("x")
    assert len(calls) == 2  # Redis was tried each time (and failed), then the fallback


@pytest.mark.redis
def test_cache_uses_redis_again_once_it_answers(settings):
    backend = FallbackRedisCache(settings.REDIS_URL, {"KEY_PREFIX": "faults-test"})
    backend.down_until = time.monotonic() - 1  # it was down a moment ago
    backend.set("shared", "from redis", 30)
    assert not backend.is_down
    other_process = FallbackRedisCache(settings.REDIS_URL, {"KEY_PREFIX": "faults-test"})
    assert other_process.get("shared") == "from redis"
    backend.delete("shared")


def test_pages_sign_in_and_registration_work_while_redis_is_down(
    client, django_capture_on_commit_callbacks, caplog
):
    educator = factories.EducatorFactory(email="ana.ruiz@example.org")
    event = factories.EventFactory(title="Trauma-Informed Classrooms", capacity=30)

    with redis_down():
        assert client.get("/").status_code == 200
        catalog = client.get("/events/?q=trauma")
        assert catalog.status_code == 200
        assert event.title in catalog.content.decode()
        assert client.get("/providers/").status_code == 200

        response = client.post(
            reverse("account_login"), {"login": educator.email, "password": factories.PASSWORD}
        )
        assert response.status_code == 302
        assert client.get("/me/").status_code == 200

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("events:register", kwargs={"slug": event.slug}))
        assert response.status_code == 302
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert "registered" in BeautifulSoup(page.content, "html.parser").get_text()

        registration = Registration.objects.get(event=event, user=educator)
        assert registration.status == "confirmed"
        row = Notification.objects.get(recipient=educator)
        assert row.status == "pending" and row.enqueued_at is None
        assert mail.outbox == []
        assert "task broker is unavailable" in caplog.text

        # Still down a minute later: the sweep cannot hand it over either.
        assert notifications.outbox_sweep(now=timezone.now() + LATER) == 0

    # Redis is back: the sweep sends the confirmation, once.
    assert notifications.outbox_sweep(now=timezone.now() + LATER) == 1
    assert notifications.outbox_sweep(now=timezone.now() + LATER) == 0
    assert Notification.objects.get(recipient=educator).status == "sent"
    assert [m.to for m in mail.outbox] == [[educator.email]]


def test_sign_in_rate_limit_still_counts_while_redis_is_down(client):
    """allauth's failed-login limit lives in the cache: on the fallback it still holds
    (per process), so guessing passwords gets no easier while Redis is away."""
    educator = factories.EducatorFactory(email="li.wong@example.org")
    with redis_down():
        responses = [
            client.post(
                reverse("account_login"), {"login": educator.email, "password": "wrong-password"}
            )
            for _ in range(12)
        ]
    first, last = responses[0], responses[-1]
    assert first.status_code == 200
    assert "too many" not in first.content.decode().lower()
    assert last.status_code == 429 or "too many failed login attempts" in (
        last.content.decode().lower()
    )
