"""Search in both languages, accent-insensitive (issue 19), on Postgres.

- the `unaccent` extension, wrapped in IMMUTABLE SQL functions (`unaccent()` itself is
  only STABLE, so it cannot appear in an index expression): `trec_unaccent(text)` and
  `trec_titles(title, title_es)`, the unaccented English and Spanish titles that typo
  tolerance (trigram word similarity) compares against;
- the trigram index on titles becomes an index on `trec_titles(...)`, so a misspelled
  Spanish title is found too;
- every stored search vector is recomputed the way events.search now builds it
  (English text with the `english` configuration, Spanish with `spanish`, topic names in
  both languages, all unaccented).

Everything is schema-qualified: pg_restore evaluates index expressions with an empty
search_path. SQLite skips this migration (events.search folds accents there).
"""

from django.db import migrations

# As events.search built the vectors when this migration was written (copied, so a
# later change there cannot break this step on a fresh database).
_TOPIC_NAMES = """coalesce((
    SELECT string_agg(t.{column}, ' ') FROM events_event_topics et
    JOIN events_topic t ON t.id = et.topic_id WHERE et.event_id = e.id), '')"""
REFRESH_SQL = f"""
UPDATE events_event AS e SET search_vector =
    setweight(to_tsvector('english', public.trec_unaccent(e.title)), 'A')
 || setweight(to_tsvector('spanish', public.trec_unaccent(e.title_es)), 'A')
 || setweight(to_tsvector('english', public.trec_unaccent(e.summary)), 'B')
 || setweight(to_tsvector('spanish', public.trec_unaccent(e.summary_es)), 'B')
 || setweight(to_tsvector('english', public.trec_unaccent({_TOPIC_NAMES.format(column="name")})), 'B')
 || setweight(to_tsvector('spanish', public.trec_unaccent({_TOPIC_NAMES.format(column="name_es")})), 'B')
 || setweight(to_tsvector('english', public.trec_unaccent(e.description || ' ' || p.name)), 'C')
 || setweight(to_tsvector('spanish', public.trec_unaccent(e.description_es)), 'C')
FROM providers_provider AS p
WHERE p.id = e.provider_id
"""  # noqa: E501, S608 - constants only

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public",
    """
    CREATE OR REPLACE FUNCTION public.trec_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$
    """,
    """
    CREATE OR REPLACE FUNCTION public.trec_titles(title text, title_es text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT public.trec_unaccent(coalesce($1, '') || ' ' || coalesce($2, '')) $$
    """,
    "DROP INDEX IF EXISTS event_title_trgm",
    "CREATE INDEX event_title_trgm ON events_event"
    " USING gin (public.trec_titles(title, title_es) gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS event_title_trgm",
    "CREATE INDEX event_title_trgm ON events_event USING gin (title gin_trgm_ops)",
    "DROP FUNCTION IF EXISTS public.trec_titles(text, text)",
    "DROP FUNCTION IF EXISTS public.trec_unaccent(text)",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in FORWARD:
        schema_editor.execute(statement)
    schema_editor.execute(REFRESH_SQL)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in BACKWARD:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("events", "0009_event_payment_method")]
    operations = [migrations.RunPython(forward, backward)]
