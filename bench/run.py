"""`make bench`: seed at scale, serve with gunicorn, run the traffic mix with locust,
report per route; then the "registration opens" burst (bench/burst.py).

A benchmark, not a test: it prints requests/s, p50, p95, p99 and the error rate for
each route of the mix (bench/locustfile.py), and each route's p50 and p95 as a ratio to
the trivial Django view /ping measured in the same run, so the figures mean something
on any machine. Results (JSON and locust's CSV) go to bench/results/.

    python bench/run.py [--educators N] [--events N] [--registrations N] [--skip-seed]
                        [--users 20] [--seconds 60] [--think 1] [--compare] [--skip-burst]

--compare runs the mix once per configuration: as deployed, then without persistent
database connections, without the cached template loader, and without the cached reads
(catalog facets, provider directory): the before/after figures for each.
"""

import argparse
import csv
import json
import subprocess
import sys
import time
from pathlib import Path

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
    port_from_env,
    prepare,
    say,
)

PORT = port_from_env("BENCH_PORT")
BASELINE = "/ping (baseline)"
CONFIGS = {
    "as deployed": {},
    "no persistent DB connections": {"CONN_MAX_AGE": "0"},
    "no cached template loader": {"TEMPLATE_CACHE": "0"},
    "no catalog page cache": {"CATALOG_PAGE_CACHE_SECONDS": "0"},
    "no cached reads": {
        "CATALOG_CACHE_SECONDS": "0",
        "CATALOG_PAGE_CACHE_SECONDS": "0",
        "DIRECTORY_CACHE_SECONDS": "0",
    },
}
TARGETS = {"catalog": 150.0, "register (POST)": 300.0}  # p95, ms


def run_mix(env: dict, *, fixture: Path, users: int, seconds: float, think: float, tag: str):
    prefix = RESULTS / f"mix-{tag}"
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        "bench/locustfile.py",
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{seconds:g}s",
        "--host",
        f"http://127.0.0.1:{PORT}",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--stop-timeout",
        "10",
    ]
    locust_env = env | {"BENCH_FIXTURE": str(fixture), "BENCH_THINK_SECONDS": str(think)}
    with open(f"{prefix}.log", "w") as log:  # noqa: PTH123
        subprocess.run(command, cwd=ROOT, env=locust_env, check=False, stdout=log, stderr=log)
    rows = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:  # noqa: PTH123
        for row in csv.DictReader(handle):
            requests = int(row["Request Count"])
            failures = int(row["Failure Count"])
            rows[row["Name"]] = {
                "requests": requests,
                "failures": failures,
                "error_rate": failures / requests if requests else 0.0,
                "rps": float(row["Requests/s"]),
                "p50": float(row["50%"]),
                "p95": float(row["95%"]),
                "p99": float(row["99%"]),
            }
    failures_csv = Path(f"{prefix}_failures.csv")
    errors = list(csv.DictReader(failures_csv.open())) if failures_csv.exists() else []
    base = rows.get(BASELINE, {})
    for row in rows.values():
        row["p50_vs_ping"] = row["p50"] / base["p50"] if base.get("p50") else None
        row["p95_vs_ping"] = row["p95"] / base["p95"] if base.get("p95") else None
    return rows, errors


def print_table(title: str, rows: dict) -> None:
    print(f"\n{title}")
    print(
        f"{'route':<40} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'errors':>7} {'p50/ping':>9} {'p95/ping':>9}"
    )
    for name, row in sorted(rows.items(), key=lambda item: (item[0] == "Aggregated", item[0])):
        p50r = f"{row['p50_vs_ping']:.1f}x" if row["p50_vs_ping"] else "-"
        p95r = f"{row['p95_vs_ping']:.1f}x" if row["p95_vs_ping"] else "-"
        print(
            f"{name[:40]:<40} {row['rps']:>7.1f} {row['p50']:>7.0f} {row['p95']:>7.0f} "
            f"{row['p99']:>7.0f} {row['error_rate']:>6.1%} {p50r:>9} {p95r:>9}"
        )


def check_targets(rows: dict) -> list[str]:
    misses = []
    for name, row in rows.items():
        if row["failures"]:
            misses.append(f"{name}: {row['failures']} errors")
        for prefix, limit in TARGETS.items():
            if name.startswith(prefix) and row["p95"] > limit:
                misses.append(f"{name}: p95 {row['p95']:.0f} ms > {limit:.0f} ms")
    return misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--educators", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--registrations", type=int, default=1_000_000)
    parser.add_argument("--providers", type=int, default=100)
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument("--users", type=int, default=20, help="concurrent users")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=1.0, help="mean think time (s)")
    parser.add_argument("--sessions", type=int, default=500, help="signed-in bench users")
    parser.add_argument("--compare", action="store_true", help="before/after configurations")
    parser.add_argument("--skip-burst", action="store_true")
    args = parser.parse_args()

    env = bench_env()
    database = env["DATABASE_URL"]
    name = ensure_database(database) if database.startswith("postgres") else database
    say("bench", f"database {name}, redis {env.get('REDIS_URL') or 'none'}")
    say("bench", f"gunicorn gthread {WORKERS} workers x {THREADS} threads")
    manage("migrate", "--noinput", "-v", "0", env=env)
    counts = manage(
        "shell",
        "--no-imports",
        "-c",
        "from events.models import Event, Registration; from trec.accounts.models import User;"
        "print(Event.objects.count(), User.objects.count(), Registration.objects.count())",
        env=env,
        capture=True,
    ).split()[-3:]
    wanted = (args.events, args.educators, args.registrations)
    seeded = all(int(have) >= want for have, want in zip(counts, wanted, strict=True))
    if seeded and not args.skip_seed:
        say("bench", f"already seeded (events, users, registrations: {' '.join(counts)})")
    if not args.skip_seed and not seeded:
        started = time.monotonic()
        manage(
            "seed_demo",
            f"--educators={args.educators}",
            f"--events={args.events}",
            f"--registrations={args.registrations}",
            f"--providers={args.providers}",
            "-v",
            "1",
            env=env,
        )
        say("bench", f"seeded in {time.monotonic() - started:.0f}s")
    manage("collectstatic", "--noinput", "-v", "0", env=env)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    fixture = RESULTS / f"fixture-{stamp}.json"
    prepare(env, users=args.sessions, out=fixture)

    configs = CONFIGS if args.compare else {"as deployed": {}}
    report = {"args": vars(args), "workers": WORKERS, "threads": THREADS, "runs": {}}
    misses = []
    for index, (label, overrides) in enumerate(configs.items()):
        server_env = bench_env(**overrides)
        log = RESULTS / f"gunicorn-{stamp}.log"
        with Gunicorn(server_env, PORT, log=log):
            # Warm up: imports, templates, connections, caches.
            run_mix(env, fixture=fixture, users=4, seconds=5, think=0, tag=f"{stamp}-warm")
            rows, errors = run_mix(
                env,
                fixture=fixture,
                users=args.users,
                seconds=args.seconds,
                think=args.think,
                tag=f"{stamp}-{index}",
            )
        report["runs"][label] = {"overrides": overrides, "routes": rows, "errors": errors}
        print_table(f"{label} ({args.users} users, think {args.think:g}s, {args.seconds:g}s)", rows)
        for error in errors[:5]:
            print(f"  error: {error}")
        if index == 0:
            misses = check_targets(rows)
    if args.compare:
        print(f"\n{'before/after':<32} {'catalog p50':>12} {'catalog p95':>12} {'all req/s':>10}")
        for label, run in report["runs"].items():
            catalog = run["routes"].get("catalog", {})
            total = run["routes"].get("Aggregated", {})
            print(
                f"{label:<32} {catalog.get('p50', 0):>12.0f} {catalog.get('p95', 0):>12.0f} "
                f"{total.get('rps', 0):>10.1f}"
            )
    out = RESULTS / f"bench-{stamp}.json"
    out.write_text(json.dumps(report, indent=2))
    say("bench", f"results in {out.relative_to(ROOT)}")
    if misses:
        say("bench", "targets missed: " + "; ".join(misses))
    else:
        say("bench", "targets met: no errors, catalog p95 < 150 ms, registration p95 < 300 ms")
    if not args.skip_burst:
        subprocess.run([sys.executable, "bench/burst.py"], cwd=ROOT, env=env, check=False)


if __name__ == "__main__":
    main()
