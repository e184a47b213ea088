"""What the bench scripts share: the production-like environment, the bench database,
gunicorn (gthread, sized for this 2-core machine) and bench users signed in by session.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG_BENCH = "postgres://postgres@127.0.0.1:5432/trec_bench"

# gthread: 2 worker processes (one per core) x 4 threads. Django spends part of each
# request waiting on Postgres, so a few threads per core keep the cores busy without
# the memory of more processes; each thread holds one persistent database connection.
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))


def say(prefix: str, message: str) -> None:
    print(f"{prefix}: {message}", flush=True)


def bench_env(**overrides: str) -> dict:
    """Production settings (DEBUG off, cached templates, manifest static files)."""
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "trec.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": "bench-only-secret-key-that-is-long-enough-for-the-deploy-checks-0123",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }
    env.setdefault("DATABASE_URL", PG_BENCH)
    env.update(overrides)
    return env


def ensure_database(url: str) -> str:
    """Create the bench database when missing (kept between runs); return its name."""
    name = urlsplit(url).path.lstrip("/")
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", name], capture_output=True, check=False
    )
    return name


def manage(*args: str, env: dict, capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout if capture else ""


def prepare(env: dict, *, users: int, out: Path) -> dict:
    """Sessions for `users` seeded educators and real slugs (bench/prepare.py)."""
    subprocess.run(
        [sys.executable, "bench/prepare.py", f"--users={users}", f"--out={out}"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return json.loads(out.read_text())


class Gunicorn:
    def __init__(self, env: dict, port: int, log: Path | None = None):
        self.env, self.port, self.log = env, port, log
        self.process: subprocess.Popen | None = None

    def start(self) -> Gunicorn:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "trec.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--worker-class",
                "gthread",
                "--workers",
                str(WORKERS),
                "--threads",
                str(THREADS),
                "--backlog",
                "2048",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("a") if self.log else None,
            stderr=subprocess.STDOUT if self.log else None,
            start_new_session=True,
        )
        self.wait_until_up()
        return self

    def wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:  # e.g. the port is taken by someone else
                raise SystemExit(f"gunicorn exited (port {self.port} in use?); see {self.log}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/ping")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise SystemExit("gunicorn did not come up")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def free_port() -> int:
    """A local TCP port nobody listens on right now (others run benches on this machine)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_from_env(name: str) -> int:
    return int(os.environ.get(name) or free_port())


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))
    return ordered[index]


def signed_in_educators(prefix: str, people: int) -> tuple[list, list[str]]:
    """`people` onboarded educators (e-mails `<prefix>-NNNNN@bench.example.org`) and a
    database session for each, so a load client can act as them without signing in.
    Call with Django set up (inside a bench's seed step)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from trec.accounts.models import User

    now = timezone.now()
    password = make_password(None)
    User.objects.bulk_create(
        [
            User(
                email=f"{prefix}-{i:05d}@bench.example.org",
                first_name="Bench",
                last_name=f"Educator {i}",
                password=password,
                onboarded_at=now,
            )
            for i in range(people)
        ]
    )
    users = list(User.objects.filter(email__startswith=f"{prefix}-").order_by("email"))
    sessions = []
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    return users, sessions
