"""Impact report benchmark: `.venv/bin/python bench/impact.py [--reuse]`.

Creates its own Postgres database (trec_bench_impact on the server DATABASE_URL points
at), seeds it with bulk SQL (INSERT ... SELECT generate_series): 50,000 educators,
20,000 events over two years, 1,000,000 registrations, their attendance, 200,000
transcript credits and 50,000 survey responses; then times

- computing one calendar year's snapshot (every metric, breakdown and series), and
- the public report page's server time from the stored snapshot (Django test client,
  whole middleware stack, median and p95 of 50 requests).

Targets (issue 8): snapshot under 5 s; public page under 50 ms. --reuse keeps an
already seeded database.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_NAME = "trec_bench_impact"
EDUCATORS = 50_000
EVENTS = 20_000
REGISTRATIONS = 1_000_000
CREDITS = 200_000
RESPONSES = 50_000
YEAR = 2025  # the seeded history covers 2024 and 2025


def say(message: str) -> None:
    print(f"[impact bench] {message}", flush=True)


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/trec")
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("bench/impact.py needs DATABASE_URL to point at PostgreSQL")
    return urlunsplit(parts._replace(path=f"/{DB_NAME}"))


def recreate_database(url: str) -> None:
    parts = urlsplit(url)
    base = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    base += ["-U", parts.username or "postgres"]
    subprocess.run(["dropdb", "--if-exists", *base, DB_NAME], check=True)
    subprocess.run(["createdb", *base, DB_NAME], check=True)


def is_seeded(url: str) -> bool:
    """True when the bench database exists and holds the seeded registrations."""
    parts = urlsplit(url)
    base = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    base += ["-U", parts.username or "postgres", "-d", DB_NAME, "-tAc"]
    probe = subprocess.run(
        ["psql", *base, "SELECT count(*) FROM events_registration"],
        capture_output=True,
        text=True,
        check=False,
    )
    return probe.returncode == 0 and int(probe.stdout.strip() or 0) > 0


def insert(cursor, table: str, values: dict[str, str], source: str) -> int:
    """INSERT INTO table (...) SELECT ... FROM source; every NOT NULL column not in
    `values` gets a neutral value of its type, so new columns never break the bench."""
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL "
        "AND column_name <> 'id'",
        [table],
    )
    neutral = {
        "character varying": "''",
        "text": "''",
        "boolean": "false",
        "numeric": "0",
        "integer": "0",
        "smallint": "0",
        "bigint": "0",
        "jsonb": "'[]'::jsonb",
        "timestamp with time zone": "now()",
        "date": "current_date",
    }
    columns = dict(values)
    for name, kind in cursor.fetchall():
        columns.setdefault(name, neutral[kind])
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - bench, fixed names
        f"SELECT {', '.join(columns.values())} FROM {source}"
    )
    cursor.execute(sql)
    return cursor.rowcount


def seed() -> None:
    from django.db import connection

    started = time.monotonic()
    with connection.cursor() as c:
        insert(
            c,
            "accounts_district",
            {"name": "'District ' || g", "slug": "'district-' || g", "kind": "'district'"},
            "generate_series(1, 12) g",
        )
        insert(
            c,
            "accounts_school",
            {
                "name": "'School ' || g",
                "district_id": "(SELECT min(id) FROM accounts_district) + g % 12",
            },
            "generate_series(1, 240) g",
        )
        insert(
            c,
            "events_topic",
            {"name": "'Topic ' || g", "slug": "'topic-' || g"},
            "generate_series(1, 16) g",
        )
        insert(
            c,
            "providers_provider",
            {"name": "'Provider ' || g", "slug": "'provider-' || g", "kind": "'nonprofit'"},
            "generate_series(1, 120) g",
        )
        say("educators…")
        insert(
            c,
            "accounts_user",
            {
                "password": "'!'",
                "email": "'educator' || g || '@bench.example.org'",
                "first_name": "'Educator'",
                "last_name": "g::text",
                "role": "(ARRAY['teacher','counselor','aide','specialist','administrator',"
                "'coach'])[1 + g % 6]",
                "is_active": "true",
                "preferred_language": "'en'",
                "calendar_token": "md5(g::text) || md5('t' || g)",
                "date_joined": "timestamptz '2023-06-01' + (g % 900) * interval '1 day'",
                "last_login": "timestamptz '2024-01-01' + (g % 700) * interval '1 day'",
                "district_id": "(SELECT min(id) FROM accounts_district) + g % 12",
                "school_id": "(SELECT min(id) FROM accounts_school) + g % 240",
                "students_served": "CASE WHEN g % 7 = 0 THEN NULL ELSE 20 + g % 130 END",
            },
            f"generate_series(1, {EDUCATORS}) g",
        )
        c.execute(
            "INSERT INTO accounts_user_grade_bands (user_id, gradeband_id) "
            "SELECT u.id, (SELECT min(id) FROM accounts_gradeband) + u.id % "
            "(SELECT count(*) FROM accounts_gradeband) FROM accounts_user u"
        )
        say("events and sessions…")
        insert(
            c,
            "events_event",
            {
                "title": "'Bench event ' || g",
                "slug": "'bench-event-' || g",
                "summary": "'A bench event'",
                "kind": "(ARRAY['event','webinar','webinar','program','on_demand'])[1 + g % 5]",
                "format": "'virtual'",
                "audience_roles": "'[]'::jsonb",
                "language": "'en'",
                "registration_mode": "'hub'",
                "pd_hours": "1 + g % 4",
                "status": "CASE WHEN g % 50 = 0 THEN 'draft' ELSE 'published' END",
                "is_private": "g % 40 = 0",
                "provider_id": "(SELECT min(id) FROM providers_provider) + g % 120",
                "published_at": "timestamptz '2024-01-01' + (g % 730) * interval '1 day' "
                "- interval '20 days'",
                "starts_at": "timestamptz '2024-01-01 16:00' + (g % 730) * interval '1 day'",
                "ends_at": "timestamptz '2024-01-01 18:00' + (g % 730) * interval '1 day'",
            },
            f"generate_series(1, {EVENTS}) g",
        )
        insert(
            c,
            "events_eventsession",
            {"event_id": "e.id", "starts_at": "e.starts_at", "ends_at": "e.ends_at"},
            "events_event e WHERE e.kind <> 'on_demand'",
        )
        c.execute(
            "INSERT INTO events_event_topics (event_id, topic_id) SELECT e.id, "
            "(SELECT min(id) FROM events_topic) + e.id % 16 FROM events_event e"
        )
        say("1,000,000 registrations…")
        insert(
            c,
            "events_registration",
            {
                "event_id": "(SELECT min(id) FROM events_event) + g % 20000",
                "user_id": "(SELECT min(id) FROM accounts_user) "
                "+ ((g / 20000) * 997 + (g % 20000) * 13) % 50000",
                "status": "CASE WHEN g % 20 = 0 THEN 'cancelled' WHEN g % 33 = 0 THEN "
                "'waitlisted' WHEN g % 51 = 0 THEN 'pending' ELSE 'confirmed' END",
                "created_at": "timestamptz '2024-01-01' + (g % 20000 % 730) * interval '1 day' "
                "- interval '5 days'",
                "updated_at": "now()",
            },
            f"generate_series(0, {REGISTRATIONS - 1}) g",
        )
        say("attendance…")
        insert(
            c,
            "events_attendance",
            {"registration_id": "r.id", "session_id": "s.id", "checked_in_at": "s.starts_at"},
            "events_registration r JOIN events_eventsession s ON s.event_id = r.event_id "
            "WHERE r.status = 'confirmed' AND r.id % 10 < 7",
        )
        say("200,000 credits…")
        insert(
            c,
            "transcripts_credit",
            {
                "user_id": "r.user_id",
                "source_kind": "'event'",
                "source_id": "r.event_id",
                "event_id": "r.event_id",
                "title": "'Bench event'",
                "hours": "1 + r.id % 3",
                "credit_type": "'clock_hours'",
                "earned_on": "(s.starts_at AT TIME ZONE 'America/Phoenix')::date",
                "school_year": "'bench'",
                "created_at": "now()",
                "updated_at": "now()",
            },
            "events_attendance a JOIN events_registration r ON r.id = a.registration_id "
            f"JOIN events_eventsession s ON s.id = a.session_id ORDER BY a.id LIMIT {CREDITS}",
        )
        say("50,000 survey responses…")
        insert(
            c,
            "surveys_survey",
            {
                "title": "'Feedback ' || e.id",
                "slug": "'feedback-' || e.id",
                "kind": "'feedback'",
                "anonymous": "e.id % 2 = 0",
                "event_id": "e.id",
                "created_at": "now()",
            },
            "(SELECT id FROM events_event WHERE kind = 'program' ORDER BY id LIMIT 500) e",
        )
        insert(
            c,
            "surveys_question",
            {"survey_id": "s.id", "text": "'Applicable?'", "kind": "'likert'", "scale_points": "5"},
            "surveys_survey s",
        )
        insert(
            c,
            "surveys_response",
            {
                "survey_id": "(SELECT min(id) FROM surveys_survey) + g % 500",
                "user_id": "CASE WHEN g % 2 = 0 THEN NULL ELSE "
                "(SELECT min(id) FROM accounts_user) + g / 500 END",
                "status": "'submitted'",
                "submitted_on": "date '2024-01-01' + g % 730",
                "draft": "'{}'::jsonb",
            },
            f"generate_series(0, {RESPONSES - 1}) g",
        )
        insert(
            c,
            "surveys_answer",
            {
                "response_id": "r.id",
                "question_id": "q.id",
                "number": "1 + r.id % 5",
            },
            "surveys_response r JOIN surveys_question q ON q.survey_id = r.survey_id",
        )
        c.execute("ANALYZE")
        counts = {}
        for table in (
            "events_registration",
            "events_attendance",
            "transcripts_credit",
            "surveys_response",
        ):
            c.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            counts[table] = c.fetchone()[0]
    say(f"seeded in {time.monotonic() - started:.1f}s: {counts}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="keep a seeded database")
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    url = database_url()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trec.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if args.reuse and not is_seeded(url):
        say(f"{DB_NAME} is not seeded yet: seeding it once")
        args.reuse = False
    if not args.reuse:
        recreate_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from trec.impact import metrics, services
    from trec.impact.models import ImpactSnapshot
    from trec.impact.periods import Period

    if not args.reuse:
        say(f"migrating {DB_NAME}…")
        call_command("migrate", verbosity=0)
        seed()

    # 1. The snapshot, step by step and in total (as the task runs it).
    period = Period.year(YEAR)
    snapshot = services.snapshot_get_or_create(period=period)
    services.snapshot_compute(snapshot_id=snapshot.pk)  # warm the caches once
    scope = metrics.Scope(period)
    slow = []
    for name, run in metrics.steps(scope):
        started = time.perf_counter()
        run()
        slow.append((time.perf_counter() - started, name))
    slow.sort(reverse=True)
    totals = []
    for _ in range(3):
        started = time.perf_counter()
        snapshot = services.snapshot_compute(snapshot_id=snapshot.pk)
        totals.append(time.perf_counter() - started)
    services.snapshot_compute(
        snapshot_id=services.snapshot_get_or_create(period=period.previous()).pk
    )
    values = snapshot.data["metrics"]
    say(
        "figures: "
        + ", ".join(
            f"{k}={values[k]}"
            for k in ("educators_served", "attendances", "pd_hours", "survey_respondents")
        )
    )
    say("slowest steps: " + ", ".join(f"{name} {t * 1000:.0f} ms" for t, name in slow[:5]))

    # 2. The public page from the stored snapshot.
    setup_test_environment()
    client = Client()
    client.get(f"/impact/{YEAR}/")
    times = []
    for _ in range(args.requests):
        started = time.perf_counter()
        response = client.get(f"/impact/{YEAR}/")
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    size = ImpactSnapshot.objects.filter(pk=snapshot.pk).values_list("data", flat=True).get()
    connection.close()

    best = min(totals)
    page = statistics.median(times)
    print()
    print(f"Impact bench on {DB_NAME} ({REGISTRATIONS:,} registrations, {CREDITS:,} credits,")
    print(f"{RESPONSES:,} survey responses):")
    print(
        f"  snapshot {YEAR}: best {best:.2f} s, runs {', '.join(f'{t:.2f}' for t in totals)} s"
        f"  (target < 5 s: {'met' if best < 5 else 'MISSED'})"
    )
    print(
        f"  public page /impact/{YEAR}/: median {page * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"
        f"  (target < 50 ms: {'met' if page < 0.05 else 'MISSED'})"
    )
    print(f"  snapshot data: {len(str(size)):,} characters")


if __name__ == "__main__":
    main()
