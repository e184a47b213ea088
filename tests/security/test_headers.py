"""Security headers on every kind of response, and production settings that pass
`manage.py check --deploy`."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests import factories

ROOT = Path(__file__).resolve().parents[2]

PAGES = [
    ("home", lambda w: reverse("home")),
    ("catalog", lambda w: reverse("events:catalog")),
    ("event", lambda w: w["event"].get_absolute_url()),
    ("calendar file", lambda w: reverse("events:calendar", args=[w["event"].slug])),
    ("sign in", lambda w: reverse("account_login")),
    ("back office sign in", lambda w: reverse("admin:login")),
    ("not found", lambda w: "/no-such-page/"),
    ("health", lambda w: reverse("healthz")),
    ("me", lambda w: reverse("accounts:me")),
    ("my data", lambda w: reverse("accounts:my_data_json")),
    ("redirect", lambda w: reverse("events:go", args=[w["external"].slug])),
]


@pytest.fixture
def world(db):
    from events.models import Event

    return {
        "event": factories.EventFactory(),
        "external": factories.EventFactory(
            registration_mode=Event.RegistrationMode.EXTERNAL,
            external_registration_url="https://provider.example.org/register",
        ),
        "educator": factories.EducatorFactory(),
    }


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


@pytest.mark.parametrize("name, build", PAGES, ids=[name for name, _ in PAGES])
def test_every_response_carries_the_security_headers(client, world, name, build):
    client.force_login(world["educator"])
    response = client.get(build(world))
    assert response.status_code in (200, 302, 404)
    csp = directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert csp["default-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))
    assert policy["camera"] == "(self)"  # the QR check-in page scans codes
    for feature in ("microphone", "geolocation", "payment", "usb"):
        assert policy[feature] == "()"


def test_no_hsts_in_development(client, world):
    assert "Strict-Transport-Security" not in client.get(reverse("home"), secure=True)


@override_settings(
    SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True
)
def test_hsts_with_the_production_values(world):
    """SecurityMiddleware reads these when the handler starts: a fresh client."""
    response = Client().get(reverse("home"), secure=True)
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


def production_env(**extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "TREC_TESTING", "PYTEST"))
    }
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="hub.example.org",
        CSRF_TRUSTED_ORIGINS="https://hub.example.org",
        SITE_URL="https://hub.example.org",
        DJANGO_SETTINGS_MODULE="trec.settings",
    )
    env.update(extra)
    return env


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_turn_on_hsts_and_secure_cookies():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.DEBUG, "
        "s.TRUSTED_PROXY_COUNT, "
        "s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_SAMESITE, s.LANGUAGE_COOKIE_HTTPONLY)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        *["31536000", "True", "True", "True", "True", "False", "0"],
        *["True", "Lax", "True"],  # the language cookie
    ]
