"""`make bench`: seed at scale, serve with gunicorn, load each route, report the figures.

A benchmark, not a test: it prints requests/s, p50, p95 and p99 per route, and each
route's p50 as a ratio to a trivial Django view (/ping) measured in the same run, so
the figures mean something on any machine. Results also go to bench/results/.

    python bench/run.py [--educators N] [--events N] [--registrations N]
                        [--seconds S] [--concurrency C] [--skip-seed]
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.routes import routes  # noqa: E402

PORT = int(os.environ.get("BENCH_PORT", "8765"))
SAMPLE = (ROOT / "bench" / "sample.py").read_text()
BASE = f"http://127.0.0.1:{PORT}"


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))
    return ordered[index]


def manage(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def load(path: str, *, seconds: float, concurrency: int) -> dict:
    """Hit one path from `concurrency` keep-alive clients for `seconds`; time every request."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        mine, bad = [], 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "path": path,
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "mean": statistics.fmean(latencies) if latencies else float("nan"),
    }


def wait_until_up(timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/ping")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not come up")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--educators", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--providers", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--skip-seed", action="store_true")
    args = parser.parse_args()

    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "trec.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": "bench-only-secret-key-that-is-long-enough-for-the-deploy-checks-0123",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }
    database = env.get("DATABASE_URL", "sqlite (embedded default)")
    print(
        f"bench: database {urlsplit(database).scheme or database}, "
        f"redis {env.get('REDIS_URL', 'none')}"
    )
    if database.startswith("postgres"):
        # Make sure the bench database exists (it is kept between runs; seeding is idempotent).
        name = urlsplit(database).path.lstrip("/")
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-U", "postgres", name],
            capture_output=True,
            check=False,
        )
    manage("migrate", "--noinput", "-v", "0", env=env)
    if not args.skip_seed:
        started = time.monotonic()
        manage(
            "seed_demo",
            f"--educators={args.educators}",
            f"--events={args.events}",
            f"--registrations={args.registrations}",
            f"--providers={args.providers}",
            "-v",
            "0",
            env=env,
        )
        print(f"bench: seeded in {time.monotonic() - started:.0f}s")
    manage("collectstatic", "--noinput", "-v", "0", env=env)
    sample = json.loads(
        subprocess.run(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", SAMPLE],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )

    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "trec.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--worker-class",
            "gthread",
            "--workers",
            "2",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up()
        results = []
        for path in ["/ping", *routes(sample)]:
            load(path, seconds=1, concurrency=2)  # warm caches and connections
            results.append(load(path, seconds=args.seconds, concurrency=args.concurrency))
    finally:
        server.terminate()
        server.wait(timeout=10)

    baseline = results[0]["p50"]
    print(
        f"\n{'route':<48} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'err':>5} {'p50/ping':>9}"
    )
    for row in results:
        row["ratio_p50_to_ping"] = row["p50"] / baseline if baseline else float("nan")
        print(
            f"{row['path'][:48]:<48} {row['rps']:>8.1f} {row['p50']:>8.1f} {row['p95']:>8.1f} "
            f"{row['p99']:>8.1f} {row['errors']:>5} {row['ratio_p50_to_ping']:>8.1f}x"
        )
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (out / f"bench-{stamp}.json").write_text(
        json.dumps(
            {"args": vars(args), "concurrency": args.concurrency, "results": results}, indent=2
        )
    )
    print(f"\nbench: results in bench/results/bench-{stamp}.json")


if __name__ == "__main__":
    main()
