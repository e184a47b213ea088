"""Build a realistic demo region: ``manage.py seed_demo [--educators N] [--events N] …``.

The same command feeds the demo (``make run``), the browser tests and the
benchmarks. It is idempotent: run it again and nothing is duplicated. Each app
contributes its steps below, in dependency order.
"""

import time
from dataclasses import dataclass, field
from importlib import import_module

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction

STEPS = [
    "events.demo.seed_topics",
    "trec.accounts.demo.seed_region",
    "trec.accounts.demo.seed_people",
    "providers.demo.seed_providers",
    "events.demo.seed_events",
    "events.demo.seed_registrations",
    "events.demo.seed_programs",
    "events.proposals.demo.seed_calls",
    "gratitude.demo.seed_walls",
    "communities.demo.seed_communities",
    "trec.transcripts.demo.seed_credits",
    "providers.demo.seed_offerings",
    "surveys.demo.seed_surveys",
    "trec.impact.demo.seed_snapshots",
]


@dataclass
class SeedContext:
    command: BaseCommand
    options: dict
    people: dict = field(default_factory=dict)
    new_event_ids: list = field(default_factory=list)

    def report(self, what: str, count: int) -> None:
        self.command.stdout.write(f"  {what}: {count:,}")

    def progress(self, what: str, done: int, total: int) -> None:
        if total >= 5000 and self.options["verbosity"] >= 1:
            self.command.stdout.write(f"  {what}: {done:,}/{total:,}")


class Command(BaseCommand):
    help = "Seed (or top up) the demo region. Safe to run again: nothing is duplicated."

    def add_arguments(self, parser):
        parser.add_argument("--educators", type=int, default=300, help="educators to create")
        parser.add_argument("--events", type=int, default=500, help="events to create")
        parser.add_argument("--providers", type=int, default=100, help="providers to create")
        parser.add_argument(
            "--registrations", type=int, default=3000, help="registrations to create"
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the database already has users (used by `make run`)",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and get_user_model().objects.exists():
            self.stdout.write("Demo data already present; nothing to do.")
            return
        ctx = SeedContext(command=self, options=options)
        started = time.monotonic()
        for dotted in STEPS:
            module_name, function_name = dotted.rsplit(".", 1)
            step = getattr(import_module(module_name), function_name)
            self.stdout.write(f"{dotted}…")
            with transaction.atomic():
                step(ctx)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh statistics, or the planner guesses badly
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f}s.")
        )
