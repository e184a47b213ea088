from django.db import migrations


def create_grade_bands(apps, schema_editor):
    from trec.accounts.reference import ensure_grade_bands

    ensure_grade_bands(apps)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create_grade_bands, migrations.RunPython.noop)]
