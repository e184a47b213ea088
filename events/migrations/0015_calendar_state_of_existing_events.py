from django.db import migrations

from events.ical import calendar_state


def record_what_calendars_show(apps, schema_editor):
    """Existing events start from what calendars show today, so the first change after
    this is told to their registrants like any other."""
    Event = apps.get_model("events", "Event")
    for event in Event.objects.prefetch_related("sessions").iterator(chunk_size=500):
        sessions = sorted(event.sessions.all(), key=lambda s: (s.starts_at, s.pk))
        Event.objects.filter(pk=event.pk).update(calendar_state=calendar_state(event, sessions))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0014_calendar_sequence"),
    ]

    operations = [
        migrations.RunPython(record_what_calendars_show, migrations.RunPython.noop),
    ]
