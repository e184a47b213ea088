"""Backup and restore drill: back up, wipe, restore, compare every table's row count.

    DATABASE_URL=postgres://…/trec_drill python bench/drills/backup_restore.py [--educators N]

On its own database (created when missing; never point it at one you need): migrate,
seed the demo region, count the rows of every table, `manage.py backup`, wipe the
database (DROP SCHEMA public CASCADE), `manage.py restore`, count again, and check the
hub answers from the restored data. Exits non-zero on any difference.
tests/faults/test_backup_restore.py runs the same steps on the test database.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))


def row_counts(connection) -> dict[str, int]:
    """Exact row counts of every table in the public schema."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [name for (name,) in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from pg_tables
            counts[table] = cursor.fetchone()[0]
    return counts


def wipe(connection) -> None:
    """Lose everything: the disaster the backup is for."""
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE")
        cursor.execute("CREATE SCHEMA public")
        cursor.execute("GRANT ALL ON SCHEMA public TO public")
    connection.close()


def differences(before: dict, after: dict) -> dict:
    return {
        table: (before.get(table), after.get(table))
        for table in sorted(set(before) | set(after))
        if before.get(table) != after.get(table)
    }


def drill(dump: Path, out=sys.stdout) -> dict:
    """The drill on the configured default database (Django set up)."""
    from django.core.management import call_command
    from django.db import connection

    before = row_counts(connection)
    started = time.perf_counter()
    call_command("backup", output=str(dump), stdout=out)
    backed_up = time.perf_counter()
    wipe(connection)
    wiped = row_counts(connection)
    started_restore = time.perf_counter()
    call_command("restore", str(dump), interactive=False, stdout=out)
    restored = time.perf_counter()
    after = row_counts(connection)
    return {
        "tables": len(before),
        "rows": sum(before.values()),
        "tables_after_wipe": len(wiped),
        "dump_bytes": dump.stat().st_size,
        "backup_seconds": round(backed_up - started, 2),
        "restore_seconds": round(restored - started_restore, 2),
        "differences": differences(before, after),
        "before": before,
        "after": after,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--educators", type=int, default=2000)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--registrations", type=int, default=20000)
    args = parser.parse_args()
    database = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/trec_drill")
    if not database.startswith("postgres"):
        raise SystemExit("backup drill: needs DATABASE_URL=postgres://…")
    os.environ.update(DATABASE_URL=database, DJANGO_SETTINGS_MODULE="trec.settings")
    name = urlsplit(database).path.lstrip("/")
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], capture_output=True)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True)
    subprocess.run(
        [
            *manage,
            "seed_demo",
            f"--educators={args.educators}",
            f"--events={args.events}",
            f"--registrations={args.registrations}",
            "-v",
            "0",
        ],
        cwd=ROOT,
        check=True,
    )
    import django

    django.setup()
    from events.models import Registration

    with tempfile.TemporaryDirectory() as tmp:
        report = drill(Path(tmp) / "drill.dump")
    report["registrations_after"] = Registration.objects.count()
    ok = not report["differences"] and report["tables_after_wipe"] == 0
    print(
        f"backup drill: {report['tables']} tables, {report['rows']:,} rows; dump "
        f"{report['dump_bytes']:,} bytes in {report['backup_seconds']}s; wiped to "
        f"{report['tables_after_wipe']} tables; restored in {report['restore_seconds']}s; "
        f"differences: {report['differences'] or 'none'}; "
        f"{report['registrations_after']:,} registrations readable after restore"
    )
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (results / f"drill-backup-{stamp}.json").write_text(json.dumps(report, indent=2))
    if not ok:
        raise SystemExit("backup drill: FAILED")


if __name__ == "__main__":
    main()
