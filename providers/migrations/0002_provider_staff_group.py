from django.db import migrations


def create_provider_staff_group(apps, schema_editor):
    from trec.accounts.roles import create_all_permissions, sync_provider_staff_group

    create_all_permissions(apps)
    sync_provider_staff_group(apps)


def remove_provider_staff_group(apps, schema_editor):
    from trec.accounts.roles import PROVIDER_STAFF_GROUP

    apps.get_model("auth", "Group").objects.filter(name=PROVIDER_STAFF_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0001_initial"),
        ("events", "0004_search_indexes"),
    ]
    operations = [migrations.RunPython(create_provider_staff_group, remove_provider_staff_group)]
