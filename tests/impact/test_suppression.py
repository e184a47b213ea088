"""Complementary suppression: an attacker who knows every column's exact total (more
than the public report publishes) and that every withheld cell is about at least one
person can pin no withheld cell, in any public table or the monthly series."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from events.models import Registration
from tests.factories import DistrictFactory, EducatorFactory, RegistrationFactory
from trec.impact import services
from trec.impact.periods import Period
from trec.impact.suppression import SUPPRESS_BELOW, withheld_cells

from .conftest import attend

# Columns whose withheld cells count people or attendances: each is at least 1.
AT_LEAST_ONE = {"Educators", "Educators served", "Attendances"}


def recoverable(lines, hidden, lower):
    """Cells pinned by interval propagation. `lines`: (cells, total) pairs; `hidden`:
    the withheld cells with their values (the attacker never reads those); `lower`:
    each withheld cell's known lower bound. Visible cells are subtracted from the
    total; then each withheld cell is bounded by the line's rest, until nothing moves."""
    low = {cell: Decimal(lower[cell]) for cell in hidden}
    high = {cell: Decimal("Infinity") for cell in hidden}
    rests = []
    for cells, total, visible in lines:
        withheld = [cell for cell in cells if cell in hidden]
        if withheld:
            rests.append((withheld, Decimal(total) - sum(visible, Decimal(0))))
    for _round in range(50):
        moved = False
        for withheld, rest in rests:
            for cell in withheld:
                others = [c for c in withheld if c != cell]
                new_low = max(low[cell], rest - sum((high[c] for c in others), Decimal(0)))
                new_high = min(high[cell], rest - sum((low[c] for c in others), Decimal(0)))
                if (new_low, new_high) != (low[cell], high[cell]):
                    low[cell], high[cell], moved = new_low, new_high, True
        if not moved:
            break
    return {cell for cell in hidden if low[cell] == high[cell]}


# --- The rule itself, on random tables -----------------------------------------------


tables = st.integers(1, 8).flatmap(
    lambda rows: st.integers(1, 4).flatmap(
        lambda cols: st.lists(
            st.lists(st.integers(0, 30), min_size=cols, max_size=cols),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=300, deadline=None)
@given(table=tables)
def test_no_withheld_cell_can_be_worked_out_from_the_totals(table):
    hidden = withheld_cells(table)
    assert all(table[r][c] > 0 for r, c in hidden)
    assert {
        (r, c) for r, row in enumerate(table) for c, n in enumerate(row) if 0 < n < SUPPRESS_BELOW
    } <= hidden
    for c in range(len(table[0])):
        column = [(r, c) for r in range(len(table))]
        values = {cell: table[cell[0]][c] for cell in column}
        withheld = [values[cell] for cell in column if cell in hidden]
        if not withheld or not any(n >= SUPPRESS_BELOW for n in values.values()):
            continue  # nothing withheld, or a total itself about few people
        assert len(withheld) >= 2 and sum(withheld) >= SUPPRESS_BELOW
        attack = [(column, sum(values.values()), [values[x] for x in column if x not in hidden])]
        pinned = recoverable(
            attack,
            {cell: values[cell] for cell in column if cell in hidden},
            dict.fromkeys(hidden, 1),
        )
        assert not pinned, (table, sorted(hidden), sorted(pinned))


def test_a_lone_small_cell_gets_the_smallest_large_one_as_its_complement():
    assert withheld_cells([[40], [3], [12], [9]]) == {(1, 0), (3, 0)}
    assert withheld_cells([[40], [12]]) == set()
    # two small cells about 3 people together: one more, so the pair is no group of 3
    assert withheld_cells([[2], [1], [30], [8]]) == {(0, 0), (1, 0), (3, 0)}
    assert withheld_cells([[2, None], [3, 7]]) == {(0, 0), (1, 0)}


# --- The public report, end to end ---------------------------------------------------


def cells_of(table):
    """{column header: [(row label, text, withheld)]} of an HTML table."""
    heads = [th.get_text(strip=True) for th in table.thead.find_all("th")]
    columns = {head: [] for head in heads[1:]}
    for tr in table.tbody.find_all("tr"):
        tds = tr.find_all("td")
        for head, td in zip(heads[1:], tds, strict=False):
            columns[head].append(
                (
                    tr.th.get_text(strip=True),
                    td.get_text(strip=True),
                    "suppressed" in td.get("class", []),
                )
            )
    return columns


def number(text):
    return Decimal(text.replace(",", "")) if text not in ("—", "") else Decimal(0)


def tables_of(page):
    """Every figures table of a report page, by its caption or heading."""
    result = {}
    for table in page.select("table.impact-table"):
        if table.thead is None or "Figure" in table.thead.get_text():
            continue
        result[table.caption.get_text(strip=True)] = cells_of(table)
    return result


@pytest.fixture
def busy_year(region):
    """The region (2 in North Unified, 1 in South Valley, 2 people at March's workshop)
    plus a webinar crowd: 6 teachers from East Mesa, 9 from West Ridge and one
    counselor, the only one, from East Mesa."""
    east, west = DistrictFactory(name="East Mesa"), DistrictFactory(name="West Ridge")
    webinar = region["events"]["webinar"]
    crowd = [(east, "teacher")] * 6 + [(west, "teacher")] * 9 + [(east, "counselor")]
    for district, role in crowd:
        registration = RegistrationFactory(
            event=webinar, user=EducatorFactory(district=district, role=role, students_served=20)
        )
        attend(registration)
    Registration.objects.update(created_at=webinar.published_at)
    snapshot = services.snapshot_get_or_create(period=Period.year(2025))
    return services.snapshot_compute(snapshot_id=snapshot.pk)


def test_public_report_withheld_cells_cannot_be_recomputed(busy_year, client, coordinator):
    public = tables_of(BeautifulSoup(client.get(reverse("impact:report")).content, "html.parser"))
    client.force_login(coordinator)
    full = tables_of(
        BeautifulSoup(
            client.get(reverse("impact:dashboard") + "?kind=year&year=2025").content,
            "html.parser",
        )
    )
    assert any(
        withheld for table in public.values() for col in table.values() for *_, withheld in col
    )
    checked = 0
    for caption, columns in public.items():
        for head, cells in columns.items():
            truth = {label: number(text) for label, text, _w in full[caption][head]}
            assert not any(withheld for *_, withheld in full[caption][head])
            hidden = {label: truth[label] for label, _t, withheld in cells if withheld}
            if not hidden:
                continue
            visible = [number(text) for _l, text, withheld in cells if not withheld]
            lower = dict.fromkeys(hidden, 1 if head in AT_LEAST_ONE else 0)
            line = ([label for label, *_ in cells], sum(truth.values()), visible)
            pinned = recoverable([line], hidden, lower)
            assert not pinned, (caption, head, pinned, hidden)
            checked += 1
    assert checked >= 4  # the monthly series, districts, roles, at least


def test_the_monthly_series_withholds_a_second_month(busy_year, client):
    page = BeautifulSoup(client.get(reverse("impact:report")).content, "html.parser")
    monthly = page.find("figure", attrs={"aria-labelledby": "chart-monthly-caption"})
    rows = {
        tr.th.get_text(): [td.get_text() for td in tr.find_all("td")]
        for tr in monthly.select("tbody tr")
    }
    # March: the two at the workshop; April, the only other month with anyone, goes too
    assert rows["March 2025"] == ["withheld", "withheld"]
    assert rows["April 2025"] == ["withheld", "withheld"]
    assert rows["May 2025"] == ["0", "0"]
