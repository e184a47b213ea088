import json

from django.conf import settings
from django.db import migrations, models

import events.models

LINKS = (
    ("topic_ids", "events_event_topics", "topic_id"),
    ("grade_band_ids", "events_event_grade_bands", "gradeband_id"),
)


def fill_link_ids(apps, schema_editor):
    """Every event's topic and grade band ids, sorted, as events.services.event_links_sync
    keeps them from now on."""
    with schema_editor.connection.cursor() as cursor:
        for column, table, link in LINKS:
            if schema_editor.connection.vendor == "postgresql":
                cursor.execute(
                    f"UPDATE events_event e SET {column} = ARRAY("  # noqa: S608 - constants
                    f"SELECT l.{link} FROM {table} l WHERE l.event_id = e.id ORDER BY l.{link})"
                )
                continue
            cursor.execute(f"SELECT event_id, {link} FROM {table} ORDER BY {link}")  # noqa: S608
            found = {}
            for event_id, linked in cursor.fetchall():
                found.setdefault(event_id, []).append(linked)
            cursor.executemany(
                f"UPDATE events_event SET {column} = %s WHERE id = %s",  # noqa: S608
                [(json.dumps(ids), event_id) for event_id, ids in found.items()],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_coordinator_review_digest"),
        ("events", "0019_review_desk"),
        ("providers", "0006_request_updates_mailed_by_the_outbox"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="grade_band_ids",
            field=events.models.IdArrayField(
                base_field=models.BigIntegerField(),
                blank=True,
                default=list,
                editable=False,
                size=None,
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="topic_ids",
            field=events.models.IdArrayField(
                base_field=models.BigIntegerField(),
                blank=True,
                default=list,
                editable=False,
                size=None,
            ),
        ),
        migrations.RunPython(fill_link_ids, migrations.RunPython.noop),
    ]
