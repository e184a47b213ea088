"""Pages and files about one person are never stored by a cache (Cache-Control:
private, no-store), the language cookie is Secure/SameSite/HttpOnly in production, and
gunicorn names no server software (issue 15, item 13)."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from events.services import registration_create
from tests import factories
from tests.security.test_headers import production_env

ROOT = Path(__file__).resolve().parents[2]

PRIVATE = [
    ("my hub", lambda w: reverse("accounts:me")),
    ("profile", lambda w: reverse("accounts:profile")),
    ("my data", lambda w: reverse("accounts:my_data")),
    ("my data csv", lambda w: reverse("accounts:my_data_csv")),
    ("transcript", lambda w: reverse("transcripts:transcript")),
    ("transcript csv", lambda w: reverse("transcripts:csv")),
    ("transcript pdf", lambda w: reverse("transcripts:pdf")),
    ("calendar feed", lambda w: reverse("accounts:calendar_feed", args=[w["me"].calendar_token])),
    ("my schedule", lambda w: reverse("events:my_schedule", args=[w["program"].slug])),
    (
        "my schedule feed",
        lambda w: reverse("events:my_schedule_calendar", args=[w["program"].slug]),
    ),
]


@pytest.fixture
def world(db):
    me = factories.EducatorFactory()
    program = factories.ProgramFactory()
    factories.ProgramSessionFactory(event=program)
    registration_create(event=program, user=me)
    return {"me": me, "program": program}


@pytest.mark.parametrize("name, build", PRIVATE, ids=[name for name, _ in PRIVATE])
def test_private_pages_and_files_are_never_stored(client, world, name, build):
    client.force_login(world["me"])
    response = client.get(build(world))
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_public_pages_keep_their_own_caching(client, world):
    response = client.get(reverse("events:catalog"))
    assert "no-store" not in response.get("Cache-Control", "")


@override_settings(LANGUAGE_COOKIE_SECURE=True)
def test_the_language_cookie_is_secure_samesite_and_http_only(client, world):
    client.force_login(world["me"])
    client.post(reverse("set_language"), {"language": "es", "next": "/"}, secure=True)
    cookie = client.cookies["django_language"]
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn_url():
    """The hub under gunicorn with the project's gunicorn.conf.py (as in Docker)."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "trec.wsgi:application",
        ],
        cwd=ROOT,
        # Development storage (no collectstatic here), production-like otherwise.
        env=production_env(DJANGO_ENV="development", DJANGO_DEBUG="0"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


def raw_get(url: str, path: str, *, extra_header: str = "", method: str = "GET") -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        request = f"{method} {path} HTTP/1.1\r\nHost: hub.example.org\r\n{extra_header}"
        sock.sendall(f"{request}Connection: close\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_gunicorn_sends_no_server_header_and_limits_headers(gunicorn_url):
    response = raw_get(gunicorn_url, "/ping")
    head = response.split(b"\r\n\r\n", 1)[0].decode().lower()
    assert head.startswith("http/1.1 200")
    assert "\r\nserver:" not in head
    huge = raw_get(gunicorn_url, "/ping", extra_header=f"X-Padding: {'a' * 9000}\r\n")
    assert huge.startswith((b"HTTP/1.1 400", b"HTTP/1.1 431"))  # refused by gunicorn


def test_gunicorn_answers_413_to_a_200_mb_body_without_waiting_for_it(gunicorn_url):
    """Item 9 end to end: the body is announced, never sent; the answer comes at once."""
    response = raw_get(
        gunicorn_url,
        "/gratitude/any-wall/post/",
        method="POST",
        extra_header=f"Content-Type: multipart/form-data; boundary=x\r\n"
        f"Content-Length: {200 * 1024 * 1024}\r\n",
    )
    assert response.startswith(b"HTTP/1.1 413")
