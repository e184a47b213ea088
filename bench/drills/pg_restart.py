"""Drill: Postgres restarts while the hub is under load.

    python bench/drills/pg_restart.py [--seconds 20] [--restart-at 5] [--no-restart]

gunicorn (as `make bench` runs it) serves a mix of catalog GETs and registration POSTs
from signed-in educators (each POST a different person, so every registration can be
accounted for). After --restart-at seconds Postgres is restarted once
(`pg_ctlcluster --skip-systemctl-redirect 15 main restart`; a restart, never a stop).
Reported: the answers by status during the outage (the friendly 503, nothing else),
how fast a 503 comes back (fail fast), how long after Postgres is back the hub answers
200 again without anyone touching it, and that no registration was lost (every 302 has
its row) or duplicated; then everyone who got a 503 presses Register again once.

The restart cuts every connection to this Postgres cluster, other people's too: run
it rarely, and never with --restart-command that stops without starting.
"""

import argparse
import datetime
import http.client
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402
    RESULTS,
    Gunicorn,
    bench_env,
    ensure_database,
    manage,
    percentile,
    port_from_env,
    signed_in_educators,
)

PORT = port_from_env("BENCH_DRILL_PORT")
RESTART = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"]
OK = {200, 302}


def say(message: str) -> None:
    print(f"pg-restart drill: {message}", flush=True)


def seed(run: str, people: int):
    from django.utils import timezone

    from events.models import Event, EventSession
    from providers.models import Provider

    now = timezone.now()
    provider, _ = Provider.objects.get_or_create(
        slug="drill-bench", defaults={"name": "Drill Bench Provider", "kind": "nonprofit"}
    )
    start = now + datetime.timedelta(days=3)
    event = Event.objects.create(
        provider=provider,
        title=f"Restart drill workshop {run}",
        slug=f"drill-pg-{run}",
        summary="Registrations during a database restart.",
        kind=Event.Kind.EVENT,
        status=Event.Status.PUBLISHED,
        published_at=now,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )
    EventSession.objects.create(
        event=event, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    users, sessions = signed_in_educators(f"drill-{run}", people)
    return event, users, sessions


class Load:
    """Threads that GET the catalog and POST registrations (one person each) until stopped."""

    def __init__(self, slug: str, sessions: list[str], clients: int):
        self.slug, self.sessions, self.clients = slug, sessions, clients
        self.records: list[dict] = []
        self.lock = threading.Lock()
        self.next_person = 0
        self.stop = threading.Event()
        self.t0 = time.monotonic()

    def take_person(self) -> int | None:
        with self.lock:
            if self.next_person >= len(self.sessions):
                return None
            self.next_person += 1
            return self.next_person - 1

    def request(self, conn, method, path, headers):
        started = time.monotonic()
        try:
            conn.request(method, path, headers={"Host": "127.0.0.1", **headers})
            response = conn.getresponse()
            body = response.read()
            status = response.status
            friendly = status == 503 and b"The hub is busy for a moment" in body
        except (OSError, http.client.HTTPException):
            status, friendly = 0, False
        return status, friendly, started, time.monotonic()

    def client(self, index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        csrf = "drillbenchcsrftoken0123456789abc"
        n = 0
        while not self.stop.is_set():
            n += 1
            person = self.take_person() if n % 2 else None
            if person is None:
                kind, method, path, headers = "catalog", "GET", "/events/?q=literacy", {}
            else:
                kind, method, path = "register", "POST", f"/events/{self.slug}/register/"
                headers = {
                    "Cookie": f"sessionid={self.sessions[person]}; csrftoken={csrf}",
                    "X-CSRFToken": csrf,
                    "Content-Length": "0",
                }
            status, friendly, started, ended = self.request(conn, method, path, headers)
            if status == 0:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            with self.lock:
                self.records.append(
                    {
                        "kind": kind,
                        "person": person,
                        "status": status,
                        "friendly": friendly,
                        "t": started - self.t0,
                        "ms": (ended - started) * 1000,
                    }
                )
            time.sleep(0.02)
        conn.close()

    def run(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self.client, args=(i,)) for i in range(self.clients)]
        for thread in threads:
            thread.start()
        return threads


def retry(slug: str, sessions: list[str], people: list[int]) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    csrf = "drillbenchcsrftoken0123456789abc"
    statuses: dict[int, int] = {}
    for person in people:
        conn.request(
            "POST",
            f"/events/{slug}/register/",
            headers={
                "Host": "127.0.0.1",
                "Cookie": f"sessionid={sessions[person]}; csrftoken={csrf}",
                "X-CSRFToken": csrf,
                "Content-Length": "0",
            },
        )
        response = conn.getresponse()
        response.read()
        statuses[response.status] = statuses.get(response.status, 0) + 1
    conn.close()
    return statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--restart-at", type=float, default=5)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--no-restart", action="store_true", help="a dry run of the harness")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    env = bench_env()
    if not env["DATABASE_URL"].startswith("postgres"):
        raise SystemExit("pg-restart drill: needs PostgreSQL")
    ensure_database(env["DATABASE_URL"])
    os.environ.update(env)
    manage("migrate", "--noinput", "-v", "0", env=env)
    manage("collectstatic", "--noinput", "-v", "0", env=env)

    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count

    from events.models import Registration

    stamp = time.strftime("%Y%m%d-%H%M%S")
    run = stamp.replace("-", "")
    event, users, sessions = seed(run, args.people)
    connection.close()  # ours must not be in the way of the restart
    RESULTS.mkdir(parents=True, exist_ok=True)
    report: dict = {"args": vars(args)}
    server = Gunicorn(env, PORT, log=RESULTS / f"drill-pg-{stamp}-gunicorn.log").start()
    try:
        load = Load(event.slug, sessions, args.clients)
        threads = load.run()
        time.sleep(args.restart_at)
        restart = {"started": time.monotonic() - load.t0}
        if not args.no_restart:
            say("restarting Postgres")
            done = subprocess.run(RESTART, capture_output=True, text=True, check=False)
            restart["returncode"] = done.returncode
            restart["stderr"] = done.stderr.strip()
        restart["ended"] = time.monotonic() - load.t0
        time.sleep(max(0.0, args.seconds - restart["ended"]))
        load.stop.set()
        for thread in threads:
            thread.join()
        records = sorted(load.records, key=lambda r: r["t"])
        failed = [r for r in records if r["status"] not in OK]
        after = [r for r in records if r["t"] >= restart["ended"]]
        last_failure = max((r["t"] for r in failed), default=None)
        first_ok_after = next(
            (
                r["t"]
                for r in after
                if r["status"] in OK and (last_failure is None or r["t"] > last_failure)
            ),
            None,
        )
        by_status: dict[str, int] = {}
        for r in records:
            key = f"{r['kind']} {r['status']}" + (" friendly" if r["friendly"] else "")
            by_status[key] = by_status.get(key, 0) + 1
        posted_ok = [r["person"] for r in records if r["kind"] == "register" and r["status"] == 302]
        posted_failed = [
            r["person"] for r in records if r["kind"] == "register" and r["status"] not in OK
        ]
        saved = dict(
            Registration.objects.filter(event=event)
            .values_list("user__email")
            .annotate(n=Count("pk"))
            .order_by()
        )
        lost = [p for p in posted_ok if saved.get(users[p].email, 0) != 1]
        duplicated = [email for email, n in saved.items() if n > 1]
        failed_but_saved = [p for p in posted_failed if users[p].email in saved]
        retried = retry(event.slug, sessions, posted_failed)
        after_retry = Registration.objects.filter(
            event=event, user__in=[users[p] for p in posted_failed]
        ).count()
        report.update(
            {
                "restart": restart,
                "requests": len(records),
                "by_status": by_status,
                "failures": len(failed),
                "unfriendly_failures": len([r for r in failed if not r["friendly"]]),
                "failure_ms_p50": round(percentile([r["ms"] for r in failed], 50), 1)
                if failed
                else None,
                "failure_ms_max": round(max((r["ms"] for r in failed), default=0), 1),
                "outage_window_s": [
                    round(min((r["t"] for r in failed), default=0), 2),
                    round(last_failure or 0, 2),
                ],
                "recovered_s_after_postgres_back": None
                if first_ok_after is None
                else round(max(0.0, first_ok_after - restart["ended"]), 2),
                "registrations_acknowledged": len(posted_ok),
                "registrations_lost": len(lost),
                "registrations_duplicated": len(duplicated),
                "registrations_503_but_saved": len(failed_but_saved),
                "retry_after_503": retried,
                "rows_after_retry_for_503_people": after_retry,
                "gunicorn_alive": server.process.poll() is None,
            }
        )
    finally:
        server.stop()
        if not args.keep:
            from events.models import Event
            from trec.accounts.models import User
            from trec.notifications.models import Notification

            drill_users = User.objects.filter(email__startswith=f"drill-{run}-")
            Notification.objects.filter(recipient__in=drill_users).delete()
            Event.objects.filter(slug=f"drill-pg-{run}").delete()
            drill_users.delete()
    out = RESULTS / f"drill-pg-restart-{stamp}.json"
    out.write_text(json.dumps(report, indent=2))
    say(json.dumps({k: v for k, v in report.items() if k != "args"}, indent=1))
    say(f"results in {out.relative_to(ROOT)}")
    ok = (
        report["unfriendly_failures"] == 0
        and report["registrations_lost"] == 0
        and report["registrations_duplicated"] == 0
        and report["recovered_s_after_postgres_back"] is not None
        and report["rows_after_retry_for_503_people"] == len(set(posted_failed))
        and report["gunicorn_alive"]
    )
    if not ok:
        raise SystemExit("pg-restart drill: FAILED")


if __name__ == "__main__":
    main()
