"""Lighthouse (npm, in .tools/) on the home page, the catalog and an event page:
accessibility, best practices and SEO, at phone (mobile emulation) and desktop widths,
with the system Chromium. Prints each score and every audit that did not pass.

    make run                      # in one terminal: the demo hub on :8000
    make lighthouse               # in another; LIGHTHOUSE_URL=... for another hub

Exit status 1 when a score is under --min (100 by default). JSON reports are kept in
bench/results/lighthouse/.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

CATEGORIES = ("accessibility", "best-practices", "seo")
RESULTS = Path(__file__).parent / "results" / "lighthouse"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run"


def first_event_path(base: str) -> str:
    """An event page: the first card on the catalog."""
    with urllib.request.urlopen(base + "/events/", timeout=30) as response:  # noqa: S310
        html = response.read().decode()
    found = re.search(r'class="event-card-link" href="([^"]+)"', html)
    if not found:
        sys.exit("The catalog lists no event: seed the demo hub first (make run).")
    return found.group(1)


def run(lighthouse: str, url: str, *, preset: str, out: Path) -> dict:
    command = [
        lighthouse,
        url,
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        f"--output-path={out}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    chrome = os.environ.get("TREC_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    env = {**os.environ, "CHROME_PATH": chrome}
    subprocess.run(command, check=True, env=env, timeout=300)  # noqa: S603
    return json.loads(out.read_text())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--lighthouse", default=".tools/node_modules/.bin/lighthouse")
    parser.add_argument("--min", type=int, default=100)
    args = parser.parse_args()
    base = args.base.rstrip("/")
    pages = {"home": "/", "catalog": "/events/", "event": first_event_path(base)}
    RESULTS.mkdir(parents=True, exist_ok=True)
    worst = 100
    print(f"{'page':<9} {'device':<8} " + " ".join(f"{c:>15}" for c in CATEGORIES))
    for name, path in pages.items():
        for preset in ("mobile", "desktop"):
            report = run(
                args.lighthouse,
                base + path,
                preset=preset,
                out=RESULTS / f"{name}-{preset}.json",
            )
            scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
            worst = min(worst, *scores.values())
            print(f"{name:<9} {preset:<8} " + " ".join(f"{scores[c]:>15}" for c in CATEGORIES))
            for category in CATEGORIES:
                for ref in report["categories"][category]["auditRefs"]:
                    audit = report["audits"][ref["id"]]
                    if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                        print(f"    {category}: {audit['id']} — {audit['title']}")
    print(f"\n{base}: lowest score {worst} (reports in {RESULTS})")
    return 0 if worst >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())
