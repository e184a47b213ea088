"""Small-cell suppression: the one rule for every public table of figures about people
(the impact report's breakdowns, monthly series and programs; any dashboard that
publishes counts by district, role or month).

Primary suppression withholds a cell about 1 to ``SUPPRESS_BELOW - 1`` people.
Complementary suppression stops anyone working a withheld cell out by subtraction
from a published total: in each column (each column adds up to a total) the withheld
cells, if any, are at least two and are together about ``SUPPRESS_BELOW`` people or
more, and not all about one person each. Then the total minus the visible cells gives
only the sum of the withheld cells, which is itself about enough people, and pins
none of them. Every withheld cell must be shown the same way (which cell is the
complement is itself a clue). Columns only: a two-way table whose rows add up to
published totals as well needs an audit this rule does not do (publish it as one-way
tables instead, or round its totals).
"""

from __future__ import annotations

from collections.abc import Sequence

SUPPRESS_BELOW = 5


def withheld_cells(
    people: Sequence[Sequence[int | None]],
    *,
    threshold: int = SUPPRESS_BELOW,
) -> set[tuple[int, int]]:
    """The (row, column) positions to withhold in a table whose cell (r, c) is about
    ``people[r][c]`` people (None: the table has no figure there).

    While a column is not protected, its smallest visible non-zero cell is withheld
    too (fewest figures lost). A column with no such cell left keeps what it has: its
    other figures are all zero, so only its total (then itself about few people) could
    still give the withheld cells away.
    """
    counts = {
        (r, c): count
        for r, row in enumerate(people)
        for c, count in enumerate(row)
        if count is not None
    }
    hidden = {cell for cell, count in counts.items() if 0 < count < threshold}
    if not hidden:
        return hidden
    columns: dict[int, list[tuple[int, int]]] = {}
    for cell in sorted(counts):
        columns.setdefault(cell[1], []).append(cell)
    for column in columns.values():
        while True:
            withheld = [counts[cell] for cell in column if cell in hidden]
            people = sum(withheld)
            if not withheld or (
                len(withheld) >= 2 and people >= threshold and people > len(withheld)
            ):
                break
            candidates = [cell for cell in column if cell not in hidden and counts[cell] > 0]
            if not candidates:
                break
            hidden.add(min(candidates, key=lambda cell: (counts[cell], cell)))
    return hidden
