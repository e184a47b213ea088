"""The review desk: when a listing was submitted, and what was last approved."""

from django.db import migrations, models
from django.db.models import F


def listings_waiting_since_last_change(apps, schema_editor):
    """Listings already waiting: their last change is the best guess of when."""
    Event = apps.get_model("events", "Event")
    Event.objects.filter(status="submitted", submitted_at__isnull=True).update(
        submitted_at=F("updated_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0018_covers_presenters_materials"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="approved_snapshot",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AddField(
            model_name="event",
            name="submitted_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="submitted"
            ),
        ),
        migrations.RunPython(listings_waiting_since_last_change, migrations.RunPython.noop),
    ]
