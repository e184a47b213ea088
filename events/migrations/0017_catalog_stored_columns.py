from django.conf import settings
from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone


def fill_stored_columns(apps, schema_editor):
    """Every event's next session (the first not yet over) and confirmed seats, as
    events.services.next_sessions_refresh and seats_refresh keep them from now on."""
    Event = apps.get_model("events", "Event")
    EventSession = apps.get_model("events", "EventSession")
    Registration = apps.get_model("events", "Registration")
    upcoming = EventSession.objects.filter(
        event_id=OuterRef("pk"), ends_at__gte=timezone.now()
    ).order_by("starts_at", "pk")
    confirmed = (
        Registration.objects.filter(event=OuterRef("pk"), status="confirmed")
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Event.objects.update(
        next_starts_at=Subquery(upcoming.values("starts_at")[:1]),
        next_ends_at=Subquery(upcoming.values("ends_at")[:1]),
        seats_taken=Coalesce(Subquery(confirmed), 0),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_login_failures_per_account"),
        ("events", "0016_listing_templates_and_closed_registration"),
        ("providers", "0006_request_updates_mailed_by_the_outbox"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="event",
            name="event_listed_facets",
        ),
        migrations.RemoveIndex(
            model_name="event",
            name="event_listed_soonest",
        ),
        migrations.AddField(
            model_name="event",
            name="joins_after_start",
            field=models.BooleanField(
                default=False,
                help_text="For series of several sessions: once the first session has taken place, keep registration open for the remaining sessions. Otherwise registration closes when the series starts.",
                verbose_name="people may join a series under way",
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="next_ends_at",
            field=models.DateTimeField(editable=False, null=True, verbose_name="next session ends"),
        ),
        migrations.AddField(
            model_name="event",
            name="next_starts_at",
            field=models.DateTimeField(
                editable=False, null=True, verbose_name="next session starts"
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="seats_taken",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="seats taken"
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                condition=models.Q(("is_private", False), ("status", "published")),
                fields=["id"],
                include=(
                    "kind",
                    "format",
                    "language",
                    "cost",
                    "pd_hours",
                    "provider",
                    "ends_at",
                    "next_starts_at",
                    "next_ends_at",
                ),
                name="event_listed_facets",
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                condition=models.Q(("is_private", False), ("status", "published")),
                fields=["next_starts_at", "title", "id"],
                name="event_listed_soonest",
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                condition=models.Q(("next_ends_at__isnull", False)),
                fields=["next_ends_at"],
                name="event_next_session_ends",
            ),
        ),
        migrations.RunPython(fill_stored_columns, migrations.RunPython.noop),
    ]
