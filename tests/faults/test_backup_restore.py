"""Backups: `manage.py backup` then a wiped database and `manage.py restore` give back
every row of every table, and the hub reads them (bench/drills/backup_restore.py is the
same drill on a seeded database)."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from bench.drills.backup_restore import drill, row_counts
from events.models import Registration
from tests import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_backup_wipe_restore_gives_back_every_row(tmp_path):
    event = factories.EventFactory(title="Trauma-Informed Classrooms", capacity=1)
    first, second = factories.EducatorFactory(), factories.EducatorFactory()
    from events import services

    services.registration_create(event=event, user=first)
    services.registration_create(event=event, user=second)

    report = drill(tmp_path / "hub.dump")

    assert report["tables_after_wipe"] == 0  # the wipe really lost everything
    assert report["differences"] == {}
    assert report["before"]["events_registration"] == 2
    assert report["dump_bytes"] > 0
    # The restored hub reads its data: the seat and the waiting list as they were.
    statuses = dict(Registration.objects.values_list("user__email", "status"))
    assert statuses == {first.email: "confirmed", second.email: "waitlisted"}
    # Sequences were restored too: new rows do not collide with restored ones.
    third = factories.EducatorFactory()
    assert services.registration_create(event=event, user=third).registration.queue_number == 2


def test_backup_writes_a_custom_format_dump(tmp_path):
    factories.EventFactory()
    out = tmp_path / "nightly.dump"
    call_command("backup", output=str(out))
    assert out.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert not list(tmp_path.glob("*.partial"))


def test_restore_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such dump"):
        call_command("restore", str(tmp_path / "nope.dump"), interactive=False)


def test_a_failed_restore_leaves_the_database_as_it_was(tmp_path):
    factories.EventFactory()
    before = row_counts(connection)
    broken = tmp_path / "broken.dump"
    broken.write_bytes(b"PGDMP this is not a dump")
    with pytest.raises(CommandError, match="pg_restore failed"):
        call_command("restore", str(broken), interactive=False)
    assert row_counts(connection) == before
