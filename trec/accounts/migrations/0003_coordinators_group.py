from django.db import migrations


def create_coordinators_group(apps, schema_editor):
    from trec.accounts.roles import create_all_permissions, sync_coordinators_group

    create_all_permissions(apps)
    sync_coordinators_group(apps)


def remove_coordinators_group(apps, schema_editor):
    from trec.accounts.roles import COORDINATORS_GROUP

    apps.get_model("auth", "Group").objects.filter(name=COORDINATORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_grade_bands"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_coordinators_group, remove_coordinators_group)]
