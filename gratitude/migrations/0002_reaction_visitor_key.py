"""Anonymous hearts count one per device (or address) a day: the session key becomes
a keyed hash of the visitor and the day (trec.visitors)."""

from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [("gratitude", "0001_walls_posts_hearts")]

    operations = [
        migrations.RemoveConstraint(model_name="reaction", name="reaction_one_per_session"),
        migrations.RemoveConstraint(model_name="reaction", name="reaction_has_a_reactor"),
        migrations.RenameField(model_name="reaction", old_name="session_key", new_name="visitor_key"),
        migrations.AlterField(
            model_name="reaction",
            name="visitor_key",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddConstraint(
            model_name="reaction",
            constraint=models.UniqueConstraint(
                condition=Q(user__isnull=True),
                fields=("post", "visitor_key"),
                name="reaction_one_per_visitor_day",
            ),
        ),
        migrations.AddConstraint(
            model_name="reaction",
            constraint=models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(visitor_key=""),
                name="reaction_has_a_reactor",
            ),
        ),
    ]
