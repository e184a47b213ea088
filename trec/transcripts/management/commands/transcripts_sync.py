"""Recompute the PD-hours ledger from attendance: ``manage.py transcripts_sync
[--event ID ...]``. Idempotent: a second run changes nothing."""

from django.core.management.base import BaseCommand

from trec.transcripts import services


class Command(BaseCommand):
    help = "Recompute PD-hours credits from event and community meeting attendance."

    def add_arguments(self, parser):
        parser.add_argument("--event", type=int, action="append", help="only these event ids")

    def handle(self, *args, **options):
        from communities.models import Meeting
        from events.models import Event

        totals = {"created": 0, "updated": 0, "deleted": 0}
        events = Event.objects.all()
        if options["event"]:
            events = events.filter(pk__in=options["event"])
        else:
            # Events with attendance, and events that still have credits (to reverse them).
            from trec.transcripts.models import Credit

            credited = Credit.objects.filter(source_kind=Credit.Source.EVENT).values("source_id")
            events = events.filter(sessions__attendances__isnull=False) | events.filter(
                pk__in=credited
            )
        for event in events.distinct().order_by("pk").iterator():
            for key, value in services.transcript_sync_for_event(event=event).items():
                totals[key] += value
        if not options["event"]:
            meetings = Meeting.objects.select_related("community__partner")
            for key, value in services.transcript_sync_for_meetings(meetings=meetings).items():
                totals[key] += value
        self.stdout.write(
            "Credits: {created} created, {updated} updated, {deleted} removed.".format(**totals)
        )
