"""Postgres-only: "Newest listings" pages walk this partial, covering index in the
catalog's order (published_at DESC NULLS LAST, id DESC), testing the filters on its
included columns (index-only), like "Soonest first" on event_listed_soonest. SQLite
cannot put NULLS LAST in an index; it skips this step."""

from django.db import migrations

COLUMNS = (
    "kind, format, language, cost, pd_hours, provider_id, ends_at, next_starts_at, "
    "next_ends_at, topic_ids, grade_band_ids"
)
FORWARD = [
    "CREATE INDEX IF NOT EXISTS event_listed_newest ON events_event "
    f"(published_at DESC NULLS LAST, id DESC) INCLUDE ({COLUMNS}) "
    "WHERE status = 'published' AND NOT is_private"
]
BACKWARD = ["DROP INDEX IF EXISTS event_listed_newest"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("events", "0022_listed_titles")]
    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
