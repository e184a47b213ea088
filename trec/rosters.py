"""What every roster (event registrants, CoP members) shares: what a row shows about a
person, and the attendance grid's cells, read and written the same way."""

from collections import defaultdict

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from trec.forms import parse_id


class PersonFacts:
    """Mixin for roster rows that have a `user` (with grade bands prefetched)."""

    user = None

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.email

    @property
    def grade_bands(self) -> str:
        return ", ".join(band.name for band in self.user.grade_bands.all())


def attended_by_row(rows: QuerySet, *, person: str, occasion: str) -> dict[int, set[int]]:
    """{person row id: {occasion ids attended}} from attendance rows, e.g. an event's
    ``Attendance`` (person "registration", occasion "session") or a community's
    ``MeetingAttendance`` ("membership", "meeting"). One query."""
    attended: dict[int, set[int]] = defaultdict(set)
    for person_id, occasion_id in rows.values_list(f"{person}_id", f"{occasion}_id"):
        attended[person_id].add(occasion_id)
    return attended


def grid_cells(row_id: int, name: str, occasions, attended: set[int], label) -> list[dict]:
    """The check boxes of one roster row: one per session or meeting, named
    "<row id>-<occasion id>" (``grid_pairs`` reads them back), with a label that says
    who and what for screen readers (``label(occasion)`` names the occasion)."""
    return [
        {
            "occasion": occasion,
            "value": f"{row_id}-{occasion.pk}",
            "checked": occasion.pk in attended,
            "label": _("%(name)s attended %(occasion)s")
            % {"name": name, "occasion": label(occasion)},
        }
        for occasion in occasions
    ]


def grid_pairs(values) -> set[tuple[int, int]]:
    """The (row id, occasion id) pairs of submitted grid cells; malformed ones are
    ignored (the grid only ever sends "<id>-<id>")."""
    pairs = set()
    for value in values:
        first, _sep, second = value.partition("-")
        pair = (parse_id(first), parse_id(second))
        if None not in pair:
            pairs.add(pair)
    return pairs
