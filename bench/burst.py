"""`make bench-burst`: "registration opens" — 500 educators try to register for a
100-seat webinar within a few seconds.

Against gunicorn (as in `make bench`) on Postgres, with a Celery worker on Redis sending
through an SMTP sink in this process. Every educator is signed in (a session made by
Django's login fields) and all of them POST "Register" at once from many connections.
Checked afterwards: exactly 100 confirmed and 400 waitlisted with tickets 1..400 in
the order the server took them (every confirmed row before every waitlisted one), no
error page (every answer a redirect back to the event), and each person e-mailed once:
one outbox row and one message at the sink per person, none twice.

    python bench/burst.py [--people 500] [--seats 100] [--clients 100]
"""

import argparse
import datetime
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fanout import Worker, wait_ready  # noqa: E402
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
from bench.smtp_sink import SmtpSink  # noqa: E402

PORT = port_from_env("BENCH_BURST_PORT")
REDIS_DEFAULT = "redis://127.0.0.1:6379/9"


def say(message: str) -> None:
    print(f"burst: {message}", flush=True)


def seed(run: str, people: int, seats: int):
    from django.utils import timezone

    from events.models import Event, EventSession
    from providers.models import Provider

    now = timezone.now()
    provider, _ = Provider.objects.get_or_create(
        slug="burst-bench", defaults={"name": "Burst Bench Provider", "kind": "nonprofit"}
    )
    start = now + datetime.timedelta(days=2)
    event = Event.objects.create(
        provider=provider,
        title=f"Registration opens: a popular webinar {run}",
        slug=f"burst-bench-{run}",
        summary="A 100-seat webinar everyone wants.",
        kind=Event.Kind.WEBINAR,
        format=Event.Format.VIRTUAL,
        status=Event.Status.PUBLISHED,
        published_at=now,
        capacity=seats,
        join_url="https://meet.example.org/burst",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )
    EventSession.objects.create(
        event=event, starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )
    users, sessions = signed_in_educators(f"burst-{run}", people)
    return event, users, sessions


def fire(slug: str, sessions: list[str], clients: int) -> list[dict]:
    """Every person POSTs Register once; `clients` keep-alive connections at once."""
    results: list[dict] = [{} for _ in sessions]
    barrier = threading.Barrier(clients)
    csrf = "burstbenchcsrftoken0123456789abc"  # 32 characters, as Django's cookie

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        barrier.wait()
        for person in range(index, len(sessions), clients):
            started = time.perf_counter()
            try:
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
                status, location = response.status, response.getheader("Location", "")
            except (OSError, http.client.HTTPException) as error:
                status, location = 0, repr(error)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
            results[person] = {
                "status": status,
                "location": location,
                "sent": started,
                "ms": (time.perf_counter() - started) * 1000,
            }
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def check(event, users, results, seats: int) -> dict:
    from django.db.models import Count

    from events.models import Registration
    from trec.notifications.models import Notification

    rows = list(Registration.objects.filter(event=event).order_by("pk"))
    confirmed = [r for r in rows if r.status == "confirmed"]
    waitlisted = [r for r in rows if r.status == "waitlisted"]
    tickets = [r.queue_number for r in waitlisted]  # in the order the server took them
    outbox = Notification.objects.filter(recipient__in=users)
    per_person = outbox.values("recipient").annotate(n=Count("pk")).values_list("n", flat=True)
    bad = [
        r for r in results if r["status"] != 302 or f"/events/{event.slug}/" not in r["location"]
    ]
    return {
        "registrations": len(rows),
        "confirmed": len(confirmed),
        "waitlisted": len(waitlisted),
        "tickets_in_order": tickets == list(range(1, len(waitlisted) + 1)),
        "confirmed_before_waitlisted": bool(confirmed)
        and (not waitlisted or confirmed[-1].pk < waitlisted[0].pk),
        "error_pages": len(bad),
        "error_examples": bad[:3],
        "outbox_rows": outbox.count(),
        "outbox_rows_per_person_max": max(per_person, default=0),
        "outbox_kinds": dict(outbox.values_list("kind").annotate(n=Count("pk")).order_by()),
    }


def cleanup(run: str) -> None:
    from events.models import Event
    from trec.accounts.models import User
    from trec.notifications.models import Notification

    users = User.objects.filter(email__startswith=f"burst-{run}-")
    Notification.objects.filter(recipient__in=users).delete()
    Event.objects.filter(slug=f"burst-bench-{run}").delete()
    users.delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--seats", type=int, default=100)
    parser.add_argument("--clients", type=int, default=100, help="connections at once")
    parser.add_argument("--timeout", type=float, default=600, help="for the e-mails (s)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    sink = SmtpSink().start()
    redis_url = os.environ.get("REDIS_URL") or REDIS_DEFAULT
    env = bench_env(
        REDIS_URL=redis_url,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(sink.port),
        NOTIFICATIONS_SWEEP_SECONDS="10",
        NOTIFICATIONS_RETRY_AFTER_SECONDS="30",
    )
    if not env["DATABASE_URL"].startswith("postgres"):
        raise SystemExit("burst: needs PostgreSQL (DATABASE_URL=postgres://…)")
    ensure_database(env["DATABASE_URL"])
    os.environ.update(env)
    manage("migrate", "--noinput", "-v", "0", env=env)

    import django

    django.setup()
    import redis

    from trec.celery import app

    broker = redis.Redis.from_url(redis_url)
    broker.delete("celery", "unacked", "unacked_index", "unacked_mutex")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    run = stamp.replace("-", "")
    event, users, sessions = seed(run, args.people, args.seats)
    say(
        f"{args.people} signed-in educators, a {args.seats}-seat webinar; "
        f"{args.clients} connections"
    )

    prefix = f"burst-{run}-"
    worker = Worker(env, 2, RESULTS / f"burst-{stamp}-worker.log")
    # beat runs the outbox sweep: a message whose hand-off to the broker was lost (Redis
    # flushed, a worker killed) is handed over again, as in production.
    beat = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "trec",
            "beat",
            "--loglevel=WARNING",
            "-s",
            str(RESULTS / f"burst-{stamp}-beat-schedule"),
        ],
        cwd=ROOT,
        env=env,
        stdout=(RESULTS / f"burst-{stamp}-beat.log").open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    report: dict = {"args": vars(args)}
    try:
        with Gunicorn(env, PORT, log=RESULTS / f"burst-{stamp}-gunicorn.log"):
            worker.start()
            wait_ready(app)
            started = time.perf_counter()
            results = fire(event.slug, sessions, args.clients)
            elapsed = time.perf_counter() - started
            latencies = [r["ms"] for r in results]
            report["requests"] = {
                "seconds": round(elapsed, 2),
                "rps": round(len(results) / elapsed, 1),
                "p50_ms": round(percentile(latencies, 50), 1),
                "p95_ms": round(percentile(latencies, 95), 1),
                "p99_ms": round(percentile(latencies, 99), 1),
                "max_ms": round(max(latencies), 1),
            }
            say(
                f"{len(results)} POSTs in {elapsed:.2f}s ({report['requests']['rps']}/s), "
                f"p50 {report['requests']['p50_ms']} ms, p95 {report['requests']['p95_ms']} ms, "
                f"p99 {report['requests']['p99_ms']} ms"
            )
            deadline = time.monotonic() + args.timeout
            while time.monotonic() < deadline and (
                len({r.recipients for r in sink.received if r.recipients[0].startswith(prefix)})
                < args.people
            ):
                time.sleep(0.5)
            delivered = sink.count
            time.sleep(5)  # anything sent twice would arrive now
            report["mail_seconds_after_burst"] = round(time.perf_counter() - started, 1)
            report["checks"] = check(event, users, results, args.seats)
            ours = [r for r in sink.received if r.recipients[0].startswith(f"burst-{run}-")]
            report["sink"] = {
                "delivered": len(ours),
                "distinct_messages": len({r.message_id for r in ours}),
                "duplicates": len(ours) - len({r.message_id for r in ours}),
                "distinct_recipients": len({r.recipients for r in ours}),
                "other_messages": sink.count - len(ours),  # older pending rows the sweep sent
            }
            say(f"mail: {delivered} at the sink")
    finally:
        worker.stop()
        os.killpg(beat.pid, signal.SIGTERM)
        beat.wait(timeout=20)
        sink.stop()
        broker.delete("celery", "unacked", "unacked_index", "unacked_mutex")
        if not args.keep:
            cleanup(run)
    checks, mail = report["checks"], report["sink"]
    say(
        f"{checks['confirmed']} confirmed, {checks['waitlisted']} waitlisted "
        f"(tickets in order: {checks['tickets_in_order']}, confirmed first: "
        f"{checks['confirmed_before_waitlisted']}), {checks['error_pages']} error pages; "
        f"outbox {checks['outbox_rows']} rows (max {checks['outbox_rows_per_person_max']} per "
        f"person) {checks['outbox_kinds']}; sink {mail['distinct_messages']} messages to "
        f"{mail['distinct_recipients']} people, {mail['duplicates']} twice "
        f"(+{mail['other_messages']} older messages the sweep sent)"
    )
    out = RESULTS / f"burst-{stamp}.json"
    out.write_text(json.dumps(report, indent=2, default=str))
    say(f"results in {out.relative_to(ROOT)}")
    ok = (
        checks["confirmed"] == args.seats
        and checks["waitlisted"] == args.people - args.seats
        and checks["tickets_in_order"]
        and checks["confirmed_before_waitlisted"]
        and checks["error_pages"] == 0
        and checks["outbox_rows"] == args.people
        and checks["outbox_rows_per_person_max"] == 1
        and mail["distinct_recipients"] == args.people
        and mail["duplicates"] == 0
        and mail["delivered"] == args.people
    )
    if not ok:
        raise SystemExit("burst: FAILED")


if __name__ == "__main__":
    main()
