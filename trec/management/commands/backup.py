"""`manage.py backup [--output FILE]`: a consistent snapshot of the database with pg_dump.

The dump is pg_dump's custom format (compressed; `manage.py restore` or pg_restore reads
it), taken in one snapshot while the hub keeps running. By default it goes to
`var/backups/trec-<database>-<UTC time>.dump`; the path is printed on the last line.
See bench/README.md ("Backups") for the schedule and the restore drill.
"""

import datetime
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ._pg import pg_args, pg_env, pg_settings, tool


class Command(BaseCommand):
    help = "Back up the database with pg_dump (custom format) to a file."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="the dump file (default: var/backups/…)")

    def handle(self, *args, **options):
        db = pg_settings()
        if options["output"]:
            output = Path(options["output"])
        else:
            stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
            output = settings.VAR_DIR / "backups" / f"trec-{db['NAME']}-{stamp}.dump"
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        command = [
            tool("pg_dump"),
            *pg_args(db),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(partial),
            db["NAME"],
        ]
        result = subprocess.run(command, env=pg_env(db), capture_output=True, text=True)  # noqa: S603
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        partial.replace(output)  # a half-written dump never carries the final name
        size = output.stat().st_size
        self.stdout.write(f"Backed up {db['NAME']} ({size:,} bytes) to")
        self.stdout.write(str(output))
