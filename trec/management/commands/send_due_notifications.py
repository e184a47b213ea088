"""Run the notification jobs beat would run, once, now, and say what went out.

On the embedded defaults there is no beat: tasks run in-process and e-mail goes to the
console, so this shows reminders, follow-ups (and with --digest the weekly digest)
flowing without Redis. With Redis it hands the rows to the workers like beat does, and
the messages still waiting are theirs to send.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from events.notifications import digest_enqueue_weekly, followups_enqueue_due
from trec.notifications import services
from trec.notifications.models import Notification

Status = Notification.Status


class Command(BaseCommand):
    help = "Queue due reminders and follow-ups (and optionally the weekly digest), then sweep."

    def add_arguments(self, parser):
        parser.add_argument("--digest", action="store_true", help="also this week's digest")

    def handle(self, *args, digest: bool = False, **options):
        started = timezone.now()
        reminders = services.reminders_enqueue_due()
        followups = followups_enqueue_due()
        digests = digest_enqueue_weekly() if digest else 0
        services.outbox_sweep()
        since = Notification.objects.filter(updated_at__gte=started)
        sent = since.filter(status=Status.SENT).count()
        failed = since.filter(status=Status.FAILED).count()
        skipped = since.filter(status=Status.SKIPPED).count()
        waiting = Notification.objects.filter(status=Status.PENDING).count()
        self.stdout.write(
            f"queued: reminders {reminders}, follow-ups {followups}, digests {digests}; "
            f"sent {sent}, skipped {skipped}, failed {failed}, still waiting {waiting}"
        )
