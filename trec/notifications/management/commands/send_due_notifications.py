"""Run the notification jobs beat would run, once, now.

On the embedded defaults there is no beat: tasks run in-process and e-mail goes to the
console, so this shows reminders, follow-ups (and with --digest the weekly digest)
flowing without Redis. With Redis it hands the rows to the workers like beat does.
"""

from django.core.management.base import BaseCommand

from trec.notifications import services


class Command(BaseCommand):
    help = "Queue due reminders and follow-ups (and optionally the weekly digest), then sweep."

    def add_arguments(self, parser):
        parser.add_argument("--digest", action="store_true", help="also this week's digest")

    def handle(self, *args, digest: bool = False, **options):
        reminders = services.reminders_enqueue_due()
        followups = services.followups_enqueue_due()
        digests = services.digest_enqueue_weekly() if digest else 0
        swept = services.outbox_sweep()
        self.stdout.write(
            f"reminders {reminders}, follow-ups {followups}, digests {digests}, "
            f"handed over again by the sweep {swept}"
        )
