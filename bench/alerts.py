"""Alert matching at scale: 100,000 educators with 50,000 saved searches and follows on
PostgreSQL, then 100 listings published one by one through the publishing service.
Each publication matches the listing against every saved search in SQL, records the
result as ONE row (the matching search ids in an array) and puts the "right away"
e-mails in the outbox; then the next morning's sweep puts the daily and weekly ones
there, one INSERT ... SELECT per period. Every e-mail is composed from the listing rows
when it is sent (one batch of that is timed too). Target: all alerts enqueued in under
10 s, and at most one e-mail per educator per period.

    DATABASE_URL=postgres://.../trec_bench_alerts .venv/bin/python bench/alerts.py \
        [--educators 100000] [--searches 50000] [--listings 100] [--reseed]

The educators and searches are generated inside the database (INSERT ... SELECT
generate_series) and kept between runs; the listings, matches and alert e-mails of the
previous run are removed first. Delivery is not timed here (bench/fanout.py does that):
the outbox rows are written, their hand-off to Celery is left out.
"""

import argparse
import datetime
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trec.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in this process (no broker): the matcher runs when each publication commits.
os.environ.pop("REDIS_URL", None)

from bench.impact import insert  # noqa: E402

TOPICS = 20
PROVIDERS = 40
WORDS = ["literacy", "math", "science", "trauma", "phonics", "writing", "stem", "behavior"]


def say(message: str) -> None:
    print(f"alerts: {message}", flush=True)


def seed(educators: int, searches: int) -> None:
    from django.db import connection, transaction

    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as c:
        c.execute("DELETE FROM follows_savedsearch")
        c.execute("DELETE FROM accounts_user WHERE email LIKE 'alerts-%%@bench.example.org'")
        insert(
            c,
            "events_topic",
            {"name": "'Bench alerts topic ' || g", "slug": "'bench-alerts-topic-' || g"},
            f"generate_series(1, {TOPICS}) g ON CONFLICT DO NOTHING",
        )
        insert(
            c,
            "providers_provider",
            {
                "name": "'Bench alerts provider ' || g",
                "slug": "'bench-alerts-provider-' || g",
                "kind": "'nonprofit'",
            },
            f"generate_series(1, {PROVIDERS}) g ON CONFLICT DO NOTHING",
        )
        say(f"{educators} educators…")
        insert(
            c,
            "accounts_user",
            {
                "password": "'!'",
                "email": "'alerts-' || g || '@bench.example.org'",
                "first_name": "'Educator'",
                "last_name": "g::text",
                "role": "'teacher'",
                "is_active": "true",
                "preferred_language": "CASE WHEN g % 4 = 0 THEN 'es' ELSE 'en' END",
                "calendar_token": "md5('alerts' || g) || md5('a' || g)",
                "date_joined": "now()",
            },
            f"generate_series(1, {educators}) g",
        )
        say(f"{searches} saved searches and follows…")
        # A third follow a provider, a third a topic, a third save a catalog search
        # (kind, grade band, topic, free, minimum hours, and search text for half).
        c.execute(
            f"""
            WITH users AS (
                SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM accounts_user
                WHERE email LIKE 'alerts-%%@bench.example.org'
            ), topics AS (
                SELECT id, slug, row_number() OVER (ORDER BY id) - 1 AS n FROM events_topic
                WHERE slug LIKE 'bench-alerts-topic-%%'
            ), providers AS (
                SELECT id, slug, row_number() OVER (ORDER BY id) - 1 AS n
                FROM providers_provider WHERE slug LIKE 'bench-alerts-provider-%%'
            ), bands AS (
                SELECT id, code, row_number() OVER (ORDER BY position) - 1 AS n,
                       count(*) OVER () AS total
                FROM accounts_gradeband
            ), series AS (
                SELECT g, (g * 7919) % {educators} AS who, g % 3 AS shape,
                       (ARRAY['instant', 'daily', 'weekly'])[1 + (g / 3) % 3] AS frequency,
                       (ARRAY['', 'event', 'webinar', '', 'program'])[1 + g % 5] AS kind,
                       (ARRAY{WORDS!r})[1 + g % {len(WORDS)}] AS word
                FROM generate_series(1, {searches}) g
            )
            INSERT INTO follows_savedsearch (user_id, query, frequency, text, kind, format,
                language, grade_band_id, topic_id, provider_id, free_only, min_hours,
                created_at)
            SELECT u.id,
                   CASE s.shape WHEN 0 THEN 'provider=' || p.slug WHEN 1 THEN 'topic=' || t.slug
                   ELSE 'bench=' || s.g END,
                   s.frequency,
                   CASE WHEN s.shape = 2 AND s.g % 2 = 0 THEN s.word ELSE '' END,
                   CASE WHEN s.shape = 2 THEN s.kind ELSE '' END, '', '',
                   CASE WHEN s.shape = 2 AND s.g % 4 = 1 THEN b.id END,
                   CASE WHEN s.shape = 1 OR (s.shape = 2 AND s.g % 7 = 0) THEN t.id END,
                   CASE WHEN s.shape = 0 THEN p.id END,
                   s.shape = 2 AND s.g % 10 = 3,
                   CASE WHEN s.shape = 2 AND s.g % 6 = 5 THEN 2 END,
                   now()
            FROM series s
            JOIN users u ON u.n = s.who
            JOIN topics t ON t.n = s.g % {TOPICS}
            JOIN providers p ON p.n = (s.g / 3) % {PROVIDERS}
            JOIN bands b ON b.n = s.g % b.total
            ON CONFLICT DO NOTHING
            """  # noqa: S608 - bench, fixed numbers
        )
        c.execute(
            "UPDATE follows_savedsearch SET terms = websearch_to_tsquery('english', text) "
            "WHERE text <> ''"
        )
    connection.cursor().execute("ANALYZE")
    say(f"seeded in {time.monotonic() - started:.1f} s")


def clear_previous_run() -> None:
    from django.db import connection

    from events.models import Event

    with connection.cursor() as c:
        c.execute("DELETE FROM follows_listingmatch")
        c.execute("DELETE FROM notifications_notification WHERE kind = 'saved_search_alert'")
    Event.objects.filter(slug__startswith="bench-alerts-listing-").delete()
    # What autovacuum would do between two such days (it may be off on a test server):
    # without it each run probes and indexes past the previous runs' dead rows, and the
    # figure depends on how many runs came before.
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE notifications_notification, follows_listingmatch, events_event")


def make_listings(count: int) -> list:
    from django.utils import timezone

    from events.models import Event, EventSession, Topic
    from events.services import event_saved
    from providers.models import Provider
    from trec.accounts.models import GradeBand

    topics = list(Topic.objects.filter(slug__startswith="bench-alerts-topic-").order_by("pk"))
    providers = list(
        Provider.objects.filter(slug__startswith="bench-alerts-provider-").order_by("pk")
    )
    bands = list(GradeBand.objects.order_by("position"))
    kinds = ["event", "webinar", "program", "event"]
    listings = []
    start = timezone.now() + datetime.timedelta(days=14)
    for i in range(count):
        event = Event.objects.create(
            provider=providers[i % len(providers)],
            title=f"Bench alerts {WORDS[i % len(WORDS)]} workshop {i}",
            slug=f"bench-alerts-listing-{i}",
            summary=f"Practical {WORDS[(i + 3) % len(WORDS)]} strategies.",
            kind=kinds[i % len(kinds)],
            pd_hours=1 + i % 4,
            status=Event.Status.SUBMITTED,
        )
        EventSession.objects.create(
            event=event,
            starts_at=start + datetime.timedelta(days=i % 30),
            ends_at=start + datetime.timedelta(days=i % 30, hours=2),
        )
        event.topics.set([topics[i % len(topics)], topics[(i * 7 + 3) % len(topics)]])
        event.grade_bands.set([bands[i % len(bands)]])
        event_saved(event=event)
        listings.append(event)
    return listings


def ensure_database() -> None:
    """Create the bench database on first use (it is kept for the next run)."""
    url = urlsplit(os.environ.get("DATABASE_URL", ""))
    if not url.scheme.startswith("postgres"):
        sys.exit("bench/alerts.py needs PostgreSQL: set DATABASE_URL.")
    base = ["-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432)]
    base += ["-U", url.username or "postgres"]
    subprocess.run(["createdb", *base, url.path.lstrip("/")], capture_output=True, check=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--educators", type=int, default=100_000)
    parser.add_argument("--searches", type=int, default=50_000)
    parser.add_argument("--listings", type=int, default=100)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from events.follows import services
    from events.follows.models import ListingMatch, SavedSearch
    from events.services import event_approve
    from trec.notifications import services as outbox
    from trec.notifications.registry import get_kind

    call_command("migrate", verbosity=0)
    seeded = SavedSearch.objects.filter(user__email__endswith="@bench.example.org").count()
    if args.reseed or not seeded:
        seed(args.educators, args.searches)
    else:
        say(f"reusing {seeded} saved searches")
    clear_previous_run()
    listings = make_listings(args.listings)
    # The rows are what is measured; handing them to a worker is bench/fanout.py's part.
    outbox.notifications_dispatch = lambda ids: len(list(ids))

    started = time.perf_counter()
    for event in listings:
        with transaction.atomic():
            event_approve(event=event)  # matches on commit (the task runs in-process)
    published = time.perf_counter() - started
    say(f"published and matched {args.listings} listings: {published:.2f} s")
    # The next morning's sweep: daily and weekly e-mails (weekly ones are due from
    # Monday morning on, so both are due tomorrow morning).
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    morning = tomorrow.replace(hour=services.SEND_HOUR, minute=5)
    swept_started = time.perf_counter()
    services.alerts_enqueue_due(now=morning)
    swept = time.perf_counter() - swept_started

    with connection.cursor() as c:
        c.execute(
            "SELECT count(*), count(DISTINCT recipient_id) FROM notifications_notification "
            "WHERE kind = 'saved_search_alert'"
        )
        emails, educators = c.fetchone()
        c.execute(
            'SELECT count(*) FROM (SELECT recipient_id, "window" FROM notifications_notification '
            "WHERE kind = 'saved_search_alert' GROUP BY 1, 2 HAVING count(*) > 1) AS twice"
        )
        (twice,) = c.fetchone()
        # Every (search, listing) match is inside the range of exactly one e-mail of its
        # search's frequency to its educator: none left out, none told twice.
        c.execute(
            """
            SELECT count(*) FILTER (WHERE covered = 0), count(*) FILTER (WHERE covered > 1),
                   count(*)
            FROM (
                SELECT (SELECT count(*) FROM notifications_notification n
                        WHERE n.recipient_id = s.user_id AND n.kind = 'saved_search_alert'
                          AND n.object_id = s.user_id
                          AND split_part(n."window", ':', 1) = s.frequency
                          AND (n.data ->> 'from')::bigint < lm.id
                          AND lm.id <= (n.data ->> 'upto')::bigint) AS covered
                FROM follows_listingmatch lm
                CROSS JOIN LATERAL unnest(lm.searches) AS m(search_id)
                JOIN follows_savedsearch s ON s.id = m.search_id
            ) AS each_match
            """
        )
        waiting, told_twice, matches = c.fetchone()
    # Sending: the outbox composes each e-mail from the matched-listing rows (timed for
    # one batch of NOTIFICATIONS_BATCH_SIZE e-mails; bench/fanout.py times delivery).
    from django.conf import settings

    from trec.notifications.models import Notification

    batch = list(
        Notification.objects.filter(kind=services.ALERT_KIND)
        .select_related("recipient")
        .order_by("?")[: settings.NOTIFICATIONS_BATCH_SIZE]
    )
    compose_started = time.perf_counter()
    get_kind(services.ALERT_KIND).load(batch)
    composed = time.perf_counter() - compose_started
    items = sum(len(n.items) for n in batch)
    total = published + swept
    say(
        f"{args.listings} listings published and matched against "
        f"{SavedSearch.objects.count()} saved searches: {published:.2f} s "
        f"({published / args.listings * 1000:.0f} ms a listing)"
    )
    say(f"daily and weekly sweep: {swept:.2f} s")
    say(
        f"{matches} matches in {ListingMatch.objects.count()} matched-listing rows → "
        f"{emails} e-mails for {educators} educators; matches in no e-mail: {waiting}, "
        f"in two: {told_twice}"
    )
    say(f"educators with two e-mails in one period: {twice}")
    say(f"at sending, {len(batch)} e-mails read their {items} listings in {composed * 1000:.0f} ms")
    load = os.getloadavg()
    say(f"load average during the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    verdict = "PASS" if total < 10 and twice == told_twice == waiting == 0 else "FAIL"
    say(f"alerts enqueued in {total:.2f} s (target < 10 s): {verdict}")


if __name__ == "__main__":
    main()
