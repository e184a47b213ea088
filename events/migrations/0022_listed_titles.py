import unicodedata

from django.db import migrations, models
from django.db.models import Q
from django.utils import timezone


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def fill_listed_titles(apps, schema_editor):
    """The distinct titles of listed events, as events.services.listed_titles_refresh
    keeps them from now on."""
    Event = apps.get_model("events", "Event")
    ListedTitle = apps.get_model("events", "ListedTitle")
    listed = Event.objects.filter(status="published", is_private=False).filter(
        Q(kind="on_demand") | Q(ends_at__gte=timezone.now()) | Q(ends_at__isnull=True)
    )
    pairs = listed.order_by().values_list("title", "title_es").distinct()
    ListedTitle.objects.bulk_create(
        [
            ListedTitle(title=title, title_es=title_es, folded=_folded(f"{title} {title_es}"))
            for title, title_es in pairs
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0021_catalog_indexes_cover_links"),
    ]

    operations = [
        migrations.CreateModel(
            name="ListedTitle",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                ("title_es", models.CharField(blank=True, max_length=200)),
                ("folded", models.TextField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("title", "title_es"), name="listed_title_once"
                    )
                ],
            },
        ),
        migrations.RunPython(fill_listed_titles, migrations.RunPython.noop),
    ]
