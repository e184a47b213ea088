"""Recompute the PD-hours ledger from attendance: ``manage.py transcripts_sync
[--event ID ...]``. Idempotent: a second run changes nothing."""

from django.core.management.base import BaseCommand

from communities.models import Meeting
from communities.services import meeting_credits_sync
from events.attendance import event_credits_sync
from events.models import Event
from trec.transcripts.models import Credit


class Command(BaseCommand):
    help = "Recompute PD-hours credits from event and community meeting attendance."

    def add_arguments(self, parser):
        parser.add_argument("--event", type=int, action="append", help="only these event ids")

    def handle(self, *args, **options):
        totals = {"created": 0, "updated": 0, "deleted": 0}
        events = Event.objects.all()
        if options["event"]:
            events = events.filter(pk__in=options["event"])
        else:
            # Events with attendance, and events that still have credits (to reverse them).
            credited = Credit.objects.filter(source_kind=Credit.Source.EVENT).values("source_id")
            events = events.filter(sessions__attendances__isnull=False) | events.filter(
                pk__in=credited
            )
        for event in events.distinct().order_by("pk").iterator():
            for key, value in event_credits_sync(event=event).items():
                totals[key] += value
        if not options["event"]:
            meetings = Meeting.objects.select_related("community__partner")
            for key, value in meeting_credits_sync(meetings=meetings).items():
                totals[key] += value
        self.stdout.write(
            "Credits: {created} created, {updated} updated, {deleted} removed.".format(**totals)
        )
