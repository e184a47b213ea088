"""`make bench-fanout`: 10,000 reminders through a real Celery worker into an SMTP sink.

Two runs on PostgreSQL (DATABASE_URL) and Redis (REDIS_URL), with `celery -A trec worker`
and `celery -A trec beat` as separate processes and an aiosmtpd sink in this process:

1. Throughput: one webinar with N confirmed registrants; the periodic reminder task
   finds the N due reminders and hands them to the worker in batches; we time until
   the sink has accepted all N and report messages/s.
2. Crash: the same again for another webinar, but the worker (its whole process group)
   is killed with SIGKILL half-way, then started again. The messages the dead worker
   held come back through beat's outbox sweep. We count at the sink by Message-ID:
   exactly N distinct messages, and how many (if any) arrived twice. A message the dead
   worker had just handed to the server (row "sending") is never sent again; it shows
   as "unconfirmed".

    python bench/fanout.py [--reminders N] [--concurrency C] [--batch-size B]
                           [--sweep-seconds S] [--retry-after S] [--skip-crash]
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.smtp_sink import SmtpSink  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def say(message: str) -> None:
    print(f"fanout: {message}", flush=True)


def django_env(args, sink_port: int) -> dict:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "trec.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": "bench-only-secret-key-that-is-long-enough-for-the-deploy-checks-0123",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(sink_port),
        "NOTIFICATIONS_BATCH_SIZE": str(args.batch_size),
        "NOTIFICATIONS_SWEEP_SECONDS": str(args.sweep_seconds),
        "NOTIFICATIONS_RETRY_AFTER_SECONDS": str(args.retry_after),
        # The bench hands reminders over itself; beat only sweeps.
        "NOTIFICATIONS_REMINDER_SECONDS": "86400",
    }


class Worker:
    """`celery -A trec worker` in its own process group (so SIGKILL takes all of it)."""

    def __init__(self, env: dict, concurrency: int, log: Path):
        self.env, self.concurrency, self.log = env, concurrency, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "trec",
                "worker",
                f"--concurrency={self.concurrency}",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"fanout-{time.monotonic_ns()}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_ready(app, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.control.ping(timeout=0.5):
            return
    raise SystemExit("fanout: the Celery worker did not come up")


def seed(run: str, n: int, users: list[int] | None):
    """A webinar starting in 20 hours and n registrants confirmed three days ago."""
    import datetime

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from events.models import Event, EventSession, Registration
    from providers.models import Provider
    from trec.accounts.models import User

    now = timezone.now()
    provider, _ = Provider.objects.get_or_create(
        slug="fanout-bench", defaults={"name": "Fan-out Bench Provider", "kind": "nonprofit"}
    )
    start = now + datetime.timedelta(hours=20)
    event = Event.objects.create(
        provider=provider,
        title=f"Fan-out bench webinar {run}",
        slug=f"fanout-bench-{run}",
        summary="A very large webinar.",
        kind=Event.Kind.WEBINAR,
        status=Event.Status.PUBLISHED,
        published_at=now,
        join_url="https://meet.example.org/fanout",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )
    EventSession.objects.create(
        event=event, starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )
    if users is None:
        password = make_password(None)
        User.objects.bulk_create(
            [
                User(
                    email=f"fanout-{run}-{i}@bench.example.org",
                    first_name="Bench",
                    last_name=f"Educator {i}",
                    password=password,
                )
                for i in range(n)
            ],
            batch_size=2000,
        )
        users = list(
            User.objects.filter(email__startswith=f"fanout-{run}-").values_list("pk", flat=True)
        )
    confirmed_at = now - datetime.timedelta(days=3)
    Registration.objects.bulk_create(
        [
            Registration(
                event=event, user_id=user_id, status="confirmed", confirmed_at=confirmed_at
            )
            for user_id in users
        ],
        batch_size=2000,
    )
    return event, users


def outbox_counts(event) -> dict:
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count, Q

    from events.models import EventSession
    from trec.notifications.models import Notification

    rows = Notification.objects.filter(
        content_type=ContentType.objects.get_for_model(EventSession),
        object_id__in=event.sessions.values("pk"),
    )
    counts = dict(rows.values_list("status").annotate(n=Count("pk")).order_by())
    counts["unconfirmed"] = rows.filter(
        Q(status="sending") | Q(status="failed", last_error__startswith="Unconfirmed")
    ).count()
    return counts


def resent_by_sweep(event, since) -> int:
    """Rows whose last hand-off to the broker came after the kill: the sweep's doing."""
    from django.contrib.contenttypes.models import ContentType

    from events.models import EventSession
    from trec.notifications.models import Notification

    return Notification.objects.filter(
        content_type=ContentType.objects.get_for_model(EventSession),
        object_id__in=event.sessions.values("pk"),
        enqueued_at__gt=since,
    ).count()


def wait_for(condition, *, timeout: float, poll: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(poll)
    return False


def run_throughput(args, sink, event) -> dict:
    from trec.notifications.services import reminders_enqueue_due

    sink.clear()
    started = time.perf_counter()
    handed = reminders_enqueue_due()
    enqueued = time.perf_counter()
    done = wait_for(lambda: sink.count >= args.reminders, timeout=args.timeout)
    finished = time.perf_counter()
    time.sleep(args.settle)  # anything sent twice would show up now
    counts = outbox_counts(event)
    total = finished - started
    return {
        "handed_to_broker": handed,
        "enqueue_seconds": round(enqueued - started, 3),
        "total_seconds": round(total, 3),
        "messages_per_second": round(sink.distinct / total, 1),
        "delivered": sink.count,
        "distinct_message_ids": sink.distinct,
        "duplicates": sink.duplicates,
        "outbox": counts,
        "completed": done,
    }


def run_crash(args, sink, event, worker: Worker, app) -> dict:
    from trec.notifications.services import reminders_enqueue_due

    sink.clear()
    half = args.reminders // 2
    killed: dict = {}

    def killer():
        from django.utils import timezone

        wait_for(lambda: sink.count >= half, timeout=args.timeout, poll=0.005)
        killed["at_count"] = sink.count
        killed["t"] = time.perf_counter()
        killed["when"] = timezone.now()
        worker.kill()

    started = time.perf_counter()
    thread = threading.Thread(target=killer)
    thread.start()
    reminders_enqueue_due()
    thread.join()
    say(
        f"crash: killed the worker (SIGKILL to its process group) at {killed['at_count']} "
        "messages; restarting it"
    )
    worker.start()
    wait_ready(app)
    restarted = time.perf_counter()
    done = wait_for(lambda: sink.distinct >= args.reminders, timeout=args.timeout)
    finished = time.perf_counter()
    # Let beat sweep a few more times: nothing may come twice.
    time.sleep(max(args.settle, 2 * args.sweep_seconds))
    counts = outbox_counts(event)
    return {
        "killed_at_delivered": killed["at_count"],
        "handed_over_again_by_the_sweep": resent_by_sweep(event, killed["when"]),
        "restart_seconds": round(restarted - killed["t"], 3),
        "recovered_after_kill_seconds": round(finished - killed["t"], 3),
        "total_seconds": round(finished - started, 3),
        "delivered": sink.count,
        "distinct_message_ids": sink.distinct,
        "duplicates": sink.duplicates,
        "distinct_recipients": len({r.recipients for r in sink.received}),
        "outbox": counts,
        "completed": done,
    }


def cleanup(run: str) -> None:
    from events.models import Event
    from trec.accounts.models import User
    from trec.notifications.models import Notification

    users = User.objects.filter(email__startswith=f"fanout-{run}")
    Notification.objects.filter(recipient__in=users).delete()
    Event.objects.filter(slug__startswith=f"fanout-bench-{run}").delete()
    users.delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--sweep-seconds", type=int, default=10)
    parser.add_argument("--retry-after", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--settle", type=float, default=5)
    parser.add_argument("--skip-crash", action="store_true")
    parser.add_argument("--crash-runs", type=int, default=1, help="repeat the crash run")
    parser.add_argument("--keep", action="store_true", help="keep the bench's rows")
    args = parser.parse_args()

    database = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database.startswith("postgres") or not redis_url:
        raise SystemExit(
            "fanout: needs PostgreSQL and Redis: set DATABASE_URL=postgres://… and REDIS_URL=redis://…"
        )
    name = urlsplit(database).path.lstrip("/")
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", name], capture_output=True, check=False
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    log = RESULTS / f"fanout-{stamp}-worker.log"

    sink = SmtpSink().start()
    env = django_env(args, sink.port)
    os.environ.update(env)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )

    import django

    django.setup()
    import redis

    from trec.celery import app

    client = redis.Redis.from_url(redis_url)
    client.delete("celery", "unacked", "unacked_index", "unacked_mutex")

    run = stamp.replace("-", "")
    say(
        f"database {name}, broker {redis_url}, sink 127.0.0.1:{sink.port}; "
        f"{args.reminders} reminders, worker concurrency {args.concurrency}, "
        f"batches of {args.batch_size}"
    )
    worker = Worker(env, args.concurrency, log)
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
            str(RESULTS / f"fanout-{stamp}-beat-schedule"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    results: dict = {"args": vars(args)}
    try:
        t = time.perf_counter()
        event, users = seed(f"{run}a", args.reminders, None)
        say(f"seeded {len(users)} registrants in {time.perf_counter() - t:.1f}s")
        worker.start()
        wait_ready(app)

        results["throughput"] = throughput = run_throughput(args, sink, event)
        say(
            f"throughput: {throughput['distinct_message_ids']} delivered in "
            f"{throughput['total_seconds']:.1f}s = {throughput['messages_per_second']:.0f} "
            f"messages/s (hand-off {throughput['enqueue_seconds']:.2f}s), "
            f"duplicates {throughput['duplicates']}, outbox {throughput['outbox']}"
        )
        if not args.skip_crash:
            results["crash"] = []
            for attempt in range(args.crash_runs):
                event, _ = seed(f"{run}c{attempt}", args.reminders, users)
                crash = run_crash(args, sink, event, worker, app)
                results["crash"].append(crash)
                say(
                    f"crash: {crash['distinct_message_ids']} distinct of {args.reminders} "
                    f"delivered ({crash['delivered']} deliveries, {crash['duplicates']} twice) "
                    f"in {crash['total_seconds']:.1f}s; complete "
                    f"{crash['recovered_after_kill_seconds']:.1f}s after the kill, "
                    f"{crash['handed_over_again_by_the_sweep']} handed over again by the sweep; "
                    f"outbox {crash['outbox']}"
                )
    finally:
        worker.stop()
        os.killpg(beat.pid, signal.SIGTERM)
        beat.wait(timeout=20)
        sink.stop()
        client.delete("celery", "unacked", "unacked_index", "unacked_mutex")
        if not args.keep:
            cleanup(run)
    out = RESULTS / f"fanout-{stamp}.json"
    out.write_text(json.dumps(results, indent=2, default=str))
    say(f"results in {out.relative_to(ROOT)}")
    ok = results.get("throughput", {}).get("distinct_message_ids") == args.reminders and all(
        crash["distinct_message_ids"] == args.reminders
        and crash["duplicates"] == 0
        and crash["outbox"].get("sent", 0) + crash["outbox"]["unconfirmed"] == args.reminders
        for crash in results.get("crash", [])
    )
    if not ok:
        raise SystemExit("fanout: not every reminder was delivered")


if __name__ == "__main__":
    main()
