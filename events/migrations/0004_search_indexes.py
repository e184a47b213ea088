"""Postgres-only search support: trigram extension, GIN indexes on the search vector and
on titles for typo-tolerant matching. SQLite (the embedded default) skips this step; its
catalog search falls back to a simple case-insensitive match."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS event_search_vector_gin ON events_event USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS event_title_trgm ON events_event USING gin (title gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS event_title_trgm",
    "DROP INDEX IF EXISTS event_search_vector_gin",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("events", "0003_catalog_relations")]
    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
