"""`make bench-catalog`: the catalog when nobody asks the same thing twice (issue 21).

The page cache makes a *repeated* catalog query cheap; educators rarely repeat each
other's exact query string. This bench serves the seeded database with gunicorn and
measures, in one run:

- closed-loop load from `--connections` keep-alive connections (8), each request a
  query string never asked before in the run (search words x filters x pages), with the
  catalog's per-query caches off (`CATALOG_PAGE_CACHE_SECONDS=0 CATALOG_CACHE_SECONDS=0`;
  the per-event card fragments, `CATALOG_CARD_CACHE_SECONDS`, stay on as deployed: they
  are shared by every query that lists the event, not a repeat of the query), for the
  filters-only and the search workloads, each against `/healthz` measured the same way
  right before it: req/s, p50/p95/p99 and throughput as a ratio to `/healthz`;
- the same with the caches on, as deployed, and a handful of popular query strings
  repeated (today's cached figures, for comparison);
- single requests one at a time (p50/p95) for each workload, caches off;
- the as-you-type suggestions endpoint, one request at a time (p50/p95).

    python bench/catalog.py [--seconds 20] [--connections 8] [--single 150] [--skip-seed]
                            [--events 10000] [--educators 20000] [--registrations 100000]

The database (DATABASE_URL, default trec_bench) is seeded once when it holds fewer
events than --events and kept for the next run. Results: bench/results/catalog-*.json.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import random
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402
    RESULTS,
    THREADS,
    WORKERS,
    Gunicorn,
    bench_env,
    ensure_database,
    manage,
    percentile,
    port_from_env,
    say,
)

CACHE_OFF = {"CATALOG_PAGE_CACHE_SECONDS": "0", "CATALOG_CACHE_SECONDS": "0"}
# Words educators type, in both languages, with and without accents, and a few typos.
WORDS = [
    "literacy",
    "trauma",
    "math",
    "science",
    "wellness",
    "family",
    "classroom",
    "leadership",
    "coaching",
    "technology",
    "arts",
    "inclusion",
    "early childhood",
    "social emotional",
    "english learners",
    "culturally responsive",
    "mentoring",
    "stem",
    "webinar",
    "toolkit",
    "lectoescritura",
    "matemáticas",
    "matematicas",
    "ciencia",
    "bienestar",
    "familias",
    "liderazgo",
    "trauma infromed",
    "litteracy",
    "clasroom managment",
]
KINDS = ["", "event", "webinar", "program", "on_demand"]
FORMATS = ["", "in_person", "virtual", "hybrid"]
GRADES = ["", "birth-prek", "k-2", "3-5", "6-8", "9-12"]
LANGUAGES = ["", "en", "es", "bilingual"]
COSTS = ["", "free"]
SORTS = ["", "newest"]
PAGES = [1, 2, 3]


def _query(**params) -> str:
    kept = {key: value for key, value in params.items() if value not in ("", None, 1)}
    return "/events/?" + urlencode(kept) if kept else "/events/"


def filter_queries(topics: list[str], seed: int = 1) -> list[str]:
    """Every distinct filters-only query string (no search words), shuffled."""
    queries = [
        _query(kind=k, format=f, grade=g, language=lang, cost=c, topic=t, sort=s, page=p)
        for k, f, g, lang, c, t, s, p in itertools.product(
            KINDS, FORMATS, GRADES, LANGUAGES, COSTS, ["", *topics[:4]], SORTS, PAGES
        )
        if (k, f, g, lang, c, t) != ("", "", "", "", "", "")
    ]
    random.Random(seed).shuffle(queries)
    return queries


def search_queries(seed: int = 2) -> list[str]:
    """Every distinct search query string (words x filters x pages), shuffled."""
    queries = [
        _query(q=w, kind=k, format=f, grade=g, cost=c, page=p)
        for w, k, f, g, c, p in itertools.product(WORDS, KINDS, FORMATS, GRADES, COSTS, PAGES)
    ]
    random.Random(seed).shuffle(queries)
    return queries


def suggest_queries() -> list[str]:
    prefixes = {word[:n] for word in WORDS for n in (2, 3, 4, 6) if len(word) >= n}
    return [f"/events/suggest?{urlencode({'q': p})}" for p in sorted(prefixes)]


class Load:
    """Closed-loop load: `connections` threads, each on its own keep-alive connection,
    taking the next path from a shared iterator until the time is up."""

    def __init__(self, port: int, paths, connections: int, seconds: float):
        self.port, self.connections, self.seconds = port, connections, seconds
        self.paths = iter(paths)
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def _next(self) -> str | None:
        with self.lock:
            return next(self.paths, None)

    def _worker(self, deadline: float) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        mine = []
        while time.monotonic() < deadline:
            path = self._next()
            if path is None:
                break
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                status = repr(error)
            mine.append((time.perf_counter() - started) * 1000)
            if status != 200:
                with self.lock:
                    self.errors.append(f"{path}: {status}")
        conn.close()
        with self.lock:
            self.latencies += mine

    def run(self) -> dict:
        started = time.monotonic()
        deadline = started + self.seconds
        threads = [
            threading.Thread(target=self._worker, args=(deadline,)) for _ in range(self.connections)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        return summary(self.latencies, elapsed, self.errors)


def summary(latencies: list[float], elapsed: float | None, errors: list[str]) -> dict:
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed if elapsed else None,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "errors": len(errors),
        "first_errors": errors[:5],
    }


def one_at_a_time(port: int, paths: list[str]) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies, errors = [], []
    for path in paths:
        started = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        latencies.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            errors.append(f"{path}: {response.status}")
    conn.close()
    return summary(latencies, None, errors)


def healthz(port: int, connections: int, seconds: float) -> dict:
    return Load(port, itertools.repeat("/healthz"), connections, seconds).run()


def ratio(row: dict, base: dict) -> float | None:
    return row["rps"] / base["rps"] if row.get("rps") and base.get("rps") else None


def print_table(rows: dict) -> None:
    print(
        f"\n{'workload':<44} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'errors':>6} {'/healthz':>9}"
    )
    for name, row in rows.items():
        rps = f"{row['rps']:.1f}" if row.get("rps") else "-"
        share = f"{row['ratio']:.3f}" if row.get("ratio") else "-"
        print(
            f"{name[:44]:<44} {rps:>7} {row['p50']:>7.1f} {row['p95']:>7.1f} "
            f"{row['p99']:>7.1f} {row['errors']:>6} {share:>9}"
        )


def seed_if_needed(env: dict, args) -> None:
    have = manage(
        "shell",
        "--no-imports",
        "-c",
        "from events.models import Event; print(Event.objects.count())",
        env=env,
        capture=True,
    ).split()[-1]
    if int(have) >= args.events or args.skip_seed:
        say("catalog", f"database holds {int(have):,} events")
        return
    started = time.monotonic()
    manage(
        "seed_demo",
        f"--educators={args.educators}",
        f"--events={args.events}",
        f"--registrations={args.registrations}",
        "-v",
        "1",
        env=env,
    )
    say("catalog", f"seeded in {time.monotonic() - started:.0f}s")


def topic_slugs(env: dict) -> list[str]:
    out = manage(
        "shell",
        "--no-imports",
        "-c",
        "from events.models import Topic; "
        "print(' '.join(Topic.objects.order_by('slug').values_list('slug', flat=True)))",
        env=env,
        capture=True,
    )
    return out.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20, help="per loaded workload")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--single", type=int, default=150, help="one-at-a-time requests")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--educators", type=int, default=20_000)
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument("--only-single", action="store_true", help="no loaded runs")
    args = parser.parse_args()

    env = bench_env()
    database = env["DATABASE_URL"]
    name = ensure_database(database) if database.startswith("postgres") else database
    say("catalog", f"database {name}; gunicorn gthread {WORKERS} x {THREADS}")
    manage("migrate", "--noinput", "-v", "0", env=env)
    seed_if_needed(env, args)
    manage("collectstatic", "--noinput", "-v", "0", env=env)
    port = port_from_env("BENCH_PORT")
    RESULTS.mkdir(parents=True, exist_ok=True)
    topics = topic_slugs(env)
    filters, searches = filter_queries(topics), search_queries()
    rows: dict[str, dict] = {}
    n = args.connections

    with Gunicorn(bench_env(**CACHE_OFF), port, log=RESULTS / "gunicorn-catalog.log"):
        one_at_a_time(port, ["/events/", "/events/?q=literacy", *suggest_queries()[:20]])
        # Single requests first (the distinct strings at the end of each list, so the
        # loaded runs below never repeat them).
        rows["single: filters, distinct, cache off"] = one_at_a_time(port, filters[-args.single :])
        rows["single: search, distinct, cache off"] = one_at_a_time(port, searches[-args.single :])
        rows["single: suggestions"] = one_at_a_time(port, suggest_queries())
        if not args.only_single:
            for label, paths in (("filters", filters), ("search + filters", searches)):
                base = healthz(port, n, args.seconds / 2)
                rows[f"/healthz ({n} connections, before {label})"] = base | {"ratio": 1.0}
                row = Load(port, paths[: -args.single], n, args.seconds).run()
                rows[f"{label}, distinct, cache off ({n} connections)"] = row | {
                    "ratio": ratio(row, base)
                }
    if not args.only_single:
        with Gunicorn(bench_env(), port, log=RESULTS / "gunicorn-catalog.log"):
            popular = filters[:3] + searches[:3]
            one_at_a_time(port, popular)  # fill the page cache
            base = healthz(port, n, args.seconds / 2)
            rows[f"/healthz ({n} connections, as deployed)"] = base | {"ratio": 1.0}
            row = Load(port, itertools.cycle(popular), n, args.seconds).run()
            rows[f"6 popular queries repeated, cached ({n} conn.)"] = row | {
                "ratio": ratio(row, base)
            }
    print_table(rows)
    out = RESULTS / f"catalog-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"args": vars(args), "rows": rows}, indent=2))
    say("catalog", f"results in {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
