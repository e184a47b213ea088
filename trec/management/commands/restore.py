"""`manage.py restore FILE [--no-input]`: put a `manage.py backup` dump back.

Everything the dump holds replaces what the database has now (pg_restore --clean), in
one transaction: if anything fails, the database is left as it was. Stop the web and
worker processes first (the restore waits for their locks otherwise), and run
`manage.py migrate` afterwards when restoring a dump from an older release.
"""

import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from ._pg import pg_args, pg_env, pg_settings, tool


class Command(BaseCommand):
    help = "Restore the database from a `manage.py backup` dump (replaces the current data)."

    def add_arguments(self, parser):
        parser.add_argument("dump", help="the .dump file written by manage.py backup")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )

    def handle(self, *args, **options):
        db = pg_settings()
        dump = Path(options["dump"])
        if not dump.is_file():
            raise CommandError(f"No such dump: {dump}")
        if options["interactive"]:
            answer = input(
                f"This replaces everything in the database {db['NAME']!r} with {dump}. "
                "Type 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        connections.close_all()  # our own connections must not hold locks
        command = [
            tool("pg_restore"),
            *pg_args(db),
            "--dbname",
            db["NAME"],
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            str(dump),
        ]
        result = subprocess.run(command, env=pg_env(db), capture_output=True, text=True)  # noqa: S603
        if result.returncode != 0:
            raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
        self.stdout.write(self.style.SUCCESS(f"Restored {db['NAME']} from {dump}."))
