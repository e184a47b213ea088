"""Demo step: credit the seeded event attendance on transcripts (idempotent)."""

from django.core.management import call_command

from .models import Credit


def seed_credits(ctx) -> None:
    call_command("transcripts_sync", stdout=ctx.command.stdout)
    ctx.report("transcript credits", Credit.objects.count())
