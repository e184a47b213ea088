"""The one settings module: production is locked down, and no environment at all still runs."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def bare_env(**extra):
    """Only what a shell needs to find Python: no DATABASE_URL, REDIS_URL or DJANGO_*."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", str(ROOT))}
    env.update(extra)
    return env


def test_production_mode_passes_check_deploy_with_no_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=bare_env(
            DJANGO_ENV="production",
            SECRET_KEY="x7#kq9!vN2pL$wR4tY8uB3nM6cV1zX5aS0dF7gH2jK9lQ4wE8rT",
            ALLOWED_HOSTS="hub.example.org",
        ),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = run_manage("check", env=bare_env(DJANGO_ENV="production"))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_embedded_defaults_work_with_no_environment_at_all(tmp_path):
    probe = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE']);"
        "print(s.CACHES['default']['BACKEND']);"
        "print(s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL);"
        "print(s.EMAIL_BACKEND);"
        "print(s.DEBUG)"
    )
    env = bare_env()
    result = run_manage("shell", "--no-imports", "-c", probe, env=env)
    assert result.returncode == 0, result.stderr
    engine, cache, celery, email, debug = result.stdout.split("\n")[:5]
    assert engine == "django.db.backends.sqlite3"
    assert cache == "django.core.cache.backends.locmem.LocMemCache"
    assert celery == "True memory://"
    assert email == "django.core.mail.backends.console.EmailBackend"
    assert debug == "True"
    # ...and the embedded database can be built from scratch.
    result = run_manage("migrate", "--check", env=env | {"TREC_VAR_DIR": str(tmp_path)})
    assert result.returncode == 1  # a fresh var/ has unapplied migrations...
    result = run_manage("migrate", "--noinput", env=env | {"TREC_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "db.sqlite3").exists()


@pytest.mark.redis
def test_redis_url_switches_cache_and_broker():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s;"
        "print(s.CACHES['default']['BACKEND'], s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER)",
        env=bare_env(REDIS_URL="redis://127.0.0.1:6379/15"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "trec.cache.FallbackRedisCache",  # Redis, degrading to local memory when it is down
        "redis://127.0.0.1:6379/15",
        "False",
    ]


def test_social_sign_in_appears_only_when_its_keys_are_set(tmp_path, client, db):
    """No keys: no Google or Microsoft button. Keys in the environment: the buttons."""
    page = client.get("/accounts/login/").content.decode()
    assert "Google" not in page and "Microsoft" not in page

    env = bare_env(
        TREC_VAR_DIR=str(tmp_path),
        GOOGLE_CLIENT_ID="google-id",
        GOOGLE_CLIENT_SECRET="google-secret",
        MICROSOFT_CLIENT_ID="ms-id",
        MICROSOFT_CLIENT_SECRET="ms-secret",
    )
    assert run_manage("migrate", "--noinput", env=env).returncode == 0
    probe = (
        "from django.test import Client;"
        "page = Client().get('/accounts/login/').content.decode();"
        "print('Google' in page, 'Microsoft' in page)"
    )
    result = run_manage("shell", "--no-imports", "-c", probe, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]
