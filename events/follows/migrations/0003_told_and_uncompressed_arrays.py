"""Matched-listing rows record whom their "right away" e-mails reached at once (`told`),
and their arrays are stored out of line without compression (PostgreSQL).

Each listing's rows hold the ids of thousands of matching searches and educators
(bigint[], tens of kB); compressing them with pglz cost more than all the rest of the
row's INSERT (about 10 ms a listing of the 100 in bench/alerts.py), and reading them
back (the sweep unnests `users`, sending intersects `searches`) decompressed them
again. Uncompressed they take about twice the room: some tens of kB a listing."""

from django.db import migrations

import events.follows.models

COLUMNS = ("searches", "users", "told")


def storage(kind):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        columns = ", ".join(f"ALTER COLUMN {column} SET STORAGE {kind}" for column in COLUMNS)
        schema_editor.execute(f"ALTER TABLE follows_listingmatch {columns}")

    return apply


class Migration(migrations.Migration):
    dependencies = [("follows", "0002_one_row_per_matched_listing")]
    operations = [
        migrations.AddField(
            model_name="listingmatch",
            name="told",
            field=events.follows.models.SearchIdsField(
                default=list, editable=False, verbose_name="told at once"
            ),
        ),
        migrations.RunPython(storage("EXTERNAL"), storage("EXTENDED")),
    ]
