"""Print EXPLAIN (ANALYZE, BUFFERS) of every SQL query one catalog page runs, for
bench/README.md (issue 21). Caches off; Postgres (DATABASE_URL) only.

    python bench/catalog_explain.py ["q=literacy&grade=k-2"] [--summary]

--summary prints one line per query (execution time, shared buffers hit/read) instead
of the plans.
"""

import argparse
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trec.settings")
os.environ["CATALOG_PAGE_CACHE_SECONDS"] = os.environ["CATALOG_CACHE_SECONDS"] = "0"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("query", nargs="?", default="q=literacy")
    parser.add_argument("--summary", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.http import QueryDict
    from django.test.utils import CaptureQueriesContext

    from events.catalog import catalog_page

    params = QueryDict(args.query)
    catalog_page(params=params, page_number=params.get("page"))  # warm the caches
    with CaptureQueriesContext(connection) as captured:
        catalog = catalog_page(params=params, page_number=params.get("page"))
        list(catalog.page.object_list)
    print(f"/events/?{args.query}: {catalog.total} results, {len(captured)} queries\n")
    with connection.cursor() as cursor:
        for index, query in enumerate(captured.captured_queries, 1):
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
            plan = [row[0] for row in cursor.fetchall()]
            text = "\n".join(plan)
            took = re.search(r"Execution Time: ([\d.]+) ms", text)
            hits = re.search(r"Buffers: shared hit=(\d+)(?: read=(\d+))?", text)
            if args.summary:
                print(
                    f"{index}. {took.group(1) if took else '?':>8} ms  "
                    f"hit={hits.group(1) if hits else 0} read={(hits and hits.group(2)) or 0}  "
                    f"{query['sql'][:90]}"
                )
            else:
                print(f"-- query {index}: {query['sql'][:300]}\n{text}\n")


if __name__ == "__main__":
    main()
