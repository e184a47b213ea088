"""Where a cache-miss catalog page's milliseconds go, in-process (issue 21).

Runs `Client().get()` for distinct query strings (the bench's filters and search
workloads, caches off: page, facets and card fragments) with production settings
(DEBUG off, cached templates), and prints per workload the p50/p95 of the whole
request and of each phase: the counting query (`_facets`), the page query (the cards'
events read), rendering the cards, rendering the body template, and what is left (the
filter form, middleware, context processors, the base template). `--suggest` times
/events/suggest too; `--explain` adds each page's database milliseconds and shared
buffers (EXPLAIN ANALYZE of its queries: buffers do not move with the machine's load);
`--cprofile FILE` writes a profile of the runs. "queries" is the count per page.

    DATABASE_URL=postgres://…/trec_bench python bench/catalog_profile.py [--n 50]
"""

import argparse
import cProfile
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.catalog import filter_queries, search_queries, suggest_queries  # noqa: E402
from bench.harness import bench_env, percentile  # noqa: E402

os.environ.update(
    bench_env(
        CATALOG_PAGE_CACHE_SECONDS="0", CATALOG_CACHE_SECONDS="0", CATALOG_CARD_CACHE_SECONDS="0"
    )
)


class Phases:
    """Wraps functions to add up the time spent in each during one request."""

    def __init__(self):
        self.now: dict[str, float] = {}

    def wrap(self, module, name: str, label: str) -> None:
        original = getattr(module, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.now[label] = self.now.get(label, 0.0) + time.perf_counter() - started

        setattr(module, name, timed)


def explain(connection, queries) -> tuple[float, float]:
    """(database ms, shared buffers) of these queries, re-run under EXPLAIN ANALYZE
    (in thousandths, as the table prints every column x 1000)."""
    took = buffers = 0.0
    with connection.cursor() as cursor:
        for query in queries:
            if not query["sql"].lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {query['sql']}")
            plan = cursor.fetchone()[0]
            plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]
            took += plan["Execution Time"]
            top = plan["Plan"]
            buffers += top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
    return took / 1000, buffers / 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--suggest", action="store_true")
    parser.add_argument("--only", choices=["filters", "search", "suggest"])
    parser.add_argument("--cprofile")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="also EXPLAIN (ANALYZE, BUFFERS) every query of each request: database ms and "
        "shared buffers per page (buffers do not depend on the machine's load)",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.db.models import QuerySet
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from events import catalog, views
    from events.models import Topic

    phases = Phases()
    phases.wrap(catalog, "_facets", "counting")
    phases.wrap(views, "catalog_page", "catalog_page")
    phases.wrap(views, "render_cards", "cards")
    phases.wrap(views, "render_to_string", "body")
    phases.wrap(QuerySet, "_fetch_all", "orm fetch")

    client = Client(HTTP_HOST="127.0.0.1")
    client.get("/events/")  # warm up: templates, translations, connections
    topics = list(Topic.objects.order_by("slug").values_list("slug", flat=True))
    workloads = {
        "filters": filter_queries(topics)[: args.n],
        "search": search_queries()[: args.n],
    }
    if args.suggest or args.only == "suggest":
        workloads["suggest"] = suggest_queries()[: args.n]
    if args.only:
        workloads = {args.only: workloads[args.only]}
    profile = cProfile.Profile() if args.cprofile else None
    for name, paths in workloads.items():
        rows = []
        for path in paths:
            phases.now = {}
            if profile:
                profile.enable()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                total = time.perf_counter() - started
            if profile:
                profile.disable()
            assert response.status_code == 200, (path, response.status_code)
            row = {"total": total, **phases.now, "queries": len(captured) / 1000}
            if args.explain:
                row["db"], row["buffers"] = explain(connection, captured.captured_queries)
            rows.append(row)
        labels = ["total", "catalog_page", "counting", "orm fetch", "cards", "body", "queries"]
        labels += ["db", "buffers"] if args.explain else []
        print(f"{name} ({len(rows)} distinct): ms p50 / p95")
        for label in labels:
            values = [row.get(label, 0.0) * 1000 for row in rows]
            if any(values):
                p50, p95 = percentile(values, 50), percentile(values, 95)
                print(f"  {label:<14} {p50:7.1f} / {p95:7.1f}")
        rest = [
            (row["total"] - row.get("catalog_page", 0) - row.get("cards", 0) - row.get("body", 0))
            * 1000
            for row in rows
        ]
        if name != "suggest":
            print(f"  {'rest':<14} {percentile(rest, 50):7.1f} / {percentile(rest, 95):7.1f}")
    if profile:
        profile.dump_stats(args.cprofile)


if __name__ == "__main__":
    main()
