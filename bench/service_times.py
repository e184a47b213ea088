"""Before/after service times, one request at a time (less noisy than a load run on a
busy machine): the median of --repeat sequential requests per route through Django's
test client in a production-configured process, once per configuration.

    DATABASE_URL=postgres://…/trec_bench python bench/service_times.py [--repeat 15] [--rounds 3]

Configurations: as deployed; CONN_MAX_AGE=0 (a new database connection per request);
TEMPLATE_CACHE=0 (templates parsed on every request); CATALOG_CACHE_SECONDS=0 and
DIRECTORY_CACHE_SECONDS=0 (facet counts and the directory computed on every request).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import RESULTS, bench_env  # noqa: E402

PATHS = [
    "/ping",
    "/",
    "/events/",
    "/events/?q=literacy",
    "/events/?kind=webinar&grade=k-2&cost=free",
    "/events/?topic=social-emotional-learning&format=in_person&sort=newest&page=3",
    "/providers/",
    "EVENT",
]
CONFIGS = {
    "as deployed": {},
    "CONN_MAX_AGE=0": {"CONN_MAX_AGE": "0"},
    "TEMPLATE_CACHE=0": {"TEMPLATE_CACHE": "0"},
    "no cached reads": {"CATALOG_CACHE_SECONDS": "0", "DIRECTORY_CACHE_SECONDS": "0"},
}


def child(repeat: int) -> None:
    import django

    django.setup()
    from django.db import close_old_connections
    from django.test import Client

    from events.models import Event

    event = Event.objects.listed().exclude(kind=Event.Kind.ON_DEMAND).order_by("starts_at")[0]
    client = Client()
    out = {}
    for path in PATHS:
        url = f"/events/{event.slug}/" if path == "EVENT" else path
        client.get(url)  # warm: templates, connection, caches
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            # What a real request does at its start and end (the test client skips it):
            # with CONN_MAX_AGE=0 the connection is closed and the next one reconnects.
            close_old_connections()
            response = client.get(url)
            close_old_connections()
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        out["event detail" if path == "EVENT" else path] = round(statistics.median(times), 1)
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.repeat)
        return
    results: dict[str, dict[str, float]] = {}
    # Configurations take turns, round after round, and each route keeps its best
    # round: drift in the machine's load then hits every configuration alike.
    for _round in range(args.rounds):
        for label, overrides in CONFIGS.items():
            env = bench_env(ALLOWED_HOSTS="127.0.0.1,testserver", **overrides)
            done = subprocess.run(
                [sys.executable, "bench/service_times.py", "--child", f"--repeat={args.repeat}"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            medians = json.loads(done.stdout.strip().splitlines()[-1])
            best = results.setdefault(label, medians)
            for route, value in medians.items():
                best[route] = min(best[route], value)
    routes = list(next(iter(results.values())))
    print(f"{'median ms, one at a time':<44}" + "".join(f"{label:>18}" for label in results))
    for route in routes:
        print(f"{route[:44]:<44}" + "".join(f"{results[c][route]:>18.1f}" for c in results))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"service-times-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"service times: results in {out.relative_to(ROOT)}")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trec.settings")
    main()
