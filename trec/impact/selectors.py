"""Reads the impact pages share. Public pages read stored snapshots only (one query);
figures become rows, charts and tables here, with small cells suppressed on public
pages so no individual can be singled out."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import Http404
from django.utils.formats import number_format
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from events.models import Event
from trec import charts
from trec.accounts.models import User
from trec.formats import date_phrase
from trec.i18n import fallback_lang_text, localized_text

from . import metrics, suppression
from .models import ImpactSnapshot
from .periods import Period

ROLE_LABELS = dict(User.Role.choices)
KIND_LABELS = dict(Event.Kind.choices)


# --- Formatting -----------------------------------------------------------------------


def _number(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


def format_value(value, unit: str = "count") -> str:
    number = _number(value)
    if number is None:
        return _("not enough answers yet") if unit == "percent" else "—"
    if unit == "percent":
        return f"{number_format(number, 1)}%"
    if unit == "hours":
        places = 0 if number == number.to_integral_value() else 1
        return number_format(number, places, force_grouping=True)
    return number_format(int(number), 0, force_grouping=True)


def trend(current, previous, *, unit: str, previous_label: str) -> dict | None:
    """↑/↓ with a percentage and words (never colour alone); None without a comparison."""
    now, before = _number(current), _number(previous)
    if now is None or before is None:
        return None
    was = format_value(before, unit)
    if unit == "percent":
        change = now - before
        amount = f"{number_format(abs(change), 1)} " + _("points")
    elif before == 0:
        if now == 0:
            return {
                "direction": "same",
                "arrow": "→",
                "text": _("the same as %(period)s") % {"period": previous_label},
            }
        return {
            "direction": "up",
            "arrow": "↑",
            "text": _("up from none in %(period)s") % {"period": previous_label},
        }
    else:
        change = (now - before) * 100 / before
        amount = f"{number_format(abs(change), 0)}%"
    if change > 0:
        text = _("up %(amount)s from %(was)s in %(period)s")
        direction, arrow = "up", "↑"
    elif change < 0:
        text = _("down %(amount)s from %(was)s in %(period)s")
        direction, arrow = "down", "↓"
    else:
        text = _("the same as %(period)s (%(was)s)")
        direction, arrow = "same", "→"
    return {
        "direction": direction,
        "arrow": arrow,
        "text": text % {"amount": amount, "was": was, "period": previous_label},
    }


# --- Breakdown tables -----------------------------------------------------------------


def _label(dimension: str, raw) -> str:
    if raw in (None, ""):
        return {
            "topic": _("Community meetings and other hours"),
            "provider": _("Community meetings and other hours"),
        }.get(dimension, _("Not given"))
    if dimension == "role":
        return str(ROLE_LABELS.get(raw, raw))
    if dimension == "kind":
        return str(KIND_LABELS.get(raw, raw))
    return str(raw)


def _cell(value, *, withheld: bool = False, unit: str = "count") -> dict:
    """A table cell; on public pages, cells `suppression.withheld_cells` picks."""
    if withheld:
        return {"text": _("withheld"), "suppressed": True, "value": None}
    number = _number(value)
    return {
        "text": format_value(value, unit),
        "suppressed": False,
        "value": None if number is None else float(number),
    }


def _table(rows: list[dict], columns: list[tuple[str, str, str]], *, public: bool) -> list[dict]:
    """{measure: cell} per row for `columns` of (measure, people field, unit); on public
    pages small cells and their complements are withheld (see `suppression`)."""
    people = [
        [
            row.get(count, 0) if row.get(measure) is not None else None
            for measure, count, _u in columns
        ]
        for row in rows
    ]
    hidden = suppression.withheld_cells(people) if public else set()
    return [
        {
            measure: _cell(row.get(measure), withheld=(r, c) in hidden, unit=unit)
            for c, (measure, _count, unit) in enumerate(columns)
        }
        for r, row in enumerate(rows)
    ]


BREAKDOWN_COLUMNS = [
    ("people", "people", "count"),
    ("students", "people", "count"),
    ("attendances", "people", "count"),
    ("hours", "hour_people", "hours"),
]


def breakdown_rows(dimension: str, rows: list[dict], *, public: bool) -> list[dict]:
    cells = _table(rows, BREAKDOWN_COLUMNS, public=public)
    return [
        {
            "label": localized_text(_label(dimension, row.get("label")), row.get("label_es")),
            **row_cells,
        }
        for row, row_cells in zip(rows, cells, strict=True)
    ]


@dataclass
class Chart:
    id: str
    title: str
    svg: str
    columns: list[str]
    rows: list[list[dict]]  # label cell first
    note: str = ""


@dataclass
class Report:
    snapshot: ImpactSnapshot
    previous: ImpactSnapshot | None
    public: bool
    period: Period
    headline: list[dict] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)
    breakdowns: list[dict] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    programs: list[dict] = field(default_factory=list)
    events_by_kind: list[dict] = field(default_factory=list)


def _figures(data: dict, previous: dict | None, previous_label: str) -> list[dict]:
    values = data.get("metrics", {})
    before = (previous or {}).get("metrics", {})
    rows = []
    for metric in metrics.METRICS:
        if metric.key not in values:
            continue
        rows.append(
            {
                "key": metric.key,
                "label": metric.label,
                "how": metric.how,
                "headline": metric.headline,
                "value": values[metric.key],
                "text": format_value(values[metric.key], metric.unit),
                "trend": trend(
                    values[metric.key],
                    before.get(metric.key),
                    unit=metric.unit,
                    previous_label=previous_label,
                )
                if previous
                else None,
            }
        )
    return rows


def _charts(data: dict, *, public: bool) -> list[Chart]:
    series, breakdowns = data.get("series", {}), data.get("breakdowns", {})
    result = []
    months = series.get("monthly_attendance", [])
    month_rows, bars = [], []
    month_cells = _table(
        months, [("attendances", "people", "count"), ("people", "people", "count")], public=public
    )
    for row, cells in zip(months, month_cells, strict=True):
        day = datetime.date.fromisoformat(row["label"] + "-01")
        label = date_phrase(day, "short_month_year" if len(months) > 12 else "short_month")
        cell, people = cells["attendances"], cells["people"]
        month_rows.append([{"text": date_phrase(day, "month_year")}, cell, people])
        bars.append((label, cell["value"] or 0, cell["text"] if cell["value"] else ""))
    result.append(
        Chart(
            id="chart-monthly",
            title=_("Event attendance by month"),
            svg=charts.columns(
                chart_id="chart-monthly",
                title=_("Event attendance by month"),
                desc=_("Bar chart; the figures are in the table that follows."),
                rows=bars,
            ),
            columns=[_("Month"), _("Attendances"), _("Educators")],
            rows=month_rows,
        )
    )
    topic = breakdown_rows("topic", breakdowns.get("topic", []), public=public)
    topic.sort(key=lambda r: -(r["hours"]["value"] or 0))
    result.append(
        Chart(
            id="chart-topics",
            title=_("PD hours by topic"),
            svg=charts.horizontal_bars(
                chart_id="chart-topics",
                title=_("PD hours by topic"),
                desc=_("Bar chart; the figures are in the table that follows."),
                rows=[
                    (r["label"], r["hours"]["value"], r["hours"]["text"])
                    for r in topic
                    if r["hours"]["value"]
                ][:12],
            ),
            columns=[_("Topic"), _("PD hours")],
            rows=[[{"text": r["label"]}, r["hours"]] for r in topic],
            note=_("An event with two topics counts under both."),
        )
    )
    district = breakdown_rows("district", breakdowns.get("district", []), public=public)
    result.append(
        Chart(
            id="chart-districts",
            title=_("Reach by district"),
            svg=charts.horizontal_bars(
                chart_id="chart-districts",
                title=_("Educators served by district"),
                desc=_("Bar chart; the figures are in the table that follows."),
                rows=[
                    (r["label"], r["people"]["value"], r["people"]["text"])
                    for r in district
                    if r["people"]["value"]
                ][:12],
            ),
            columns=[_("District or school system"), _("Educators served"), _("Students")],
            rows=[[{"text": r["label"]}, r["people"], r["students"]] for r in district],
        )
    )
    return result


PROGRAM_COLUMNS = [
    ("attendees", "attendees", "count"),
    ("hours", "attendees", "hours"),
    ("students", "attendees", "count"),
    ("satisfaction", "attendees", "percent"),
]


def build_report(
    snapshot: ImpactSnapshot, previous: ImpactSnapshot | None, *, public: bool
) -> Report:
    period = Period.of_snapshot(snapshot)
    usable_previous = previous if previous is not None and previous.is_current else None
    data = snapshot.data
    figures = _figures(
        data,
        usable_previous.data if usable_previous else None,
        usable_previous.label if usable_previous else "",
    )
    breakdowns = data.get("breakdowns", {})
    report = Report(
        snapshot=snapshot,
        previous=usable_previous,
        public=public,
        period=period,
        headline=[f for f in figures if f["headline"]],
        figures=figures,
        charts=_charts(data, public=public),
    )
    for dimension in metrics.DIMENSIONS:
        if public and dimension.key in ("district", "topic", "provider"):
            continue  # district and topic are the charts; providers on the dashboard
        report.breakdowns.append(
            {
                "key": dimension.key,
                "label": dimension.label,
                "how": dimension.how,
                "has_students": dimension.user_path is not None,
                "rows": breakdown_rows(
                    dimension.key, breakdowns.get(dimension.key, []), public=public
                ),
            }
        )
    report.events_by_kind = [
        {"label": _label("kind", row["label"]), "text": format_value(row["events"])}
        for row in data.get("series", {}).get("events_by_kind", [])
    ]
    programs = data.get("series", {}).get("programs", [])
    program_cells = _table(programs, PROGRAM_COLUMNS, public=public)
    for row, cells in zip(programs, program_cells, strict=True):
        report.programs.append(
            {
                **row,
                "title": localized_text(row["title"], row.get("title_es")),
                "title_lang": fallback_lang_text(row["title"], row.get("title_es")),
                **{f"{measure}_text": cell["text"] for measure, cell in cells.items()},
            }
        )
    return report


# --- Public pages ---------------------------------------------------------------------


def _year_snapshots() -> list[ImpactSnapshot]:
    """Every calendar-year snapshot with figures, newest first: one query."""
    return list(
        ImpactSnapshot.objects.filter(
            period_kind=ImpactSnapshot.PeriodKind.YEAR, computed_at__isnull=False
        ).order_by("-period_start")
    )


def public_report(*, year: int | None = None) -> dict:
    """The report for `year` (or the latest year with current figures) and its previous
    year, plus the years to link to. Raises Http404 for a year without a report."""
    snapshots = _year_snapshots()
    by_year = {s.period_start.year: s for s in snapshots}
    if year is None:
        current = [s for s in snapshots if s.is_current]
        chosen = (current or snapshots or [None])[0]
    else:
        chosen = by_year.get(year)
        if chosen is None:
            raise Http404("no impact report for that year")
    if chosen is None:
        return {"report": None, "snapshot": None, "years": []}
    previous = by_year.get(chosen.period_start.year - 1)
    return {
        "snapshot": chosen,
        # Built only when the rendered report is not cached already (see report.html).
        "report": SimpleLazyObject(lambda: build_report(chosen, previous, public=True)),
        "has_report": chosen.is_current,
        "cache_key": "-".join(
            str(s.computed_at.timestamp() if s and s.computed_at else 0)
            + f":{s.definitions_version if s else 0}"
            for s in (chosen, previous)
        ),
        "years": [s.period_start.year for s in snapshots],
        "definitions": metrics.METRICS,
    }


def home_highlights() -> list[dict] | None:
    """Three or four headline figures of the latest year's report, for the home page."""
    snapshot = next(
        (
            s
            for s in ImpactSnapshot.objects.filter(
                period_kind=ImpactSnapshot.PeriodKind.YEAR,
                computed_at__isnull=False,
                definitions_version=metrics.DEFINITIONS_VERSION,
            ).order_by("-period_start")[:1]
        ),
        None,
    )
    if snapshot is None:
        return None
    values = snapshot.data.get("metrics", {})
    return [
        {
            "label": f"{metric.label} ({snapshot.label})",
            "value": format_value(values.get(metric.key), metric.unit),
        }
        for metric in metrics.HEADLINE
        if metric.key in values
    ]


# --- The coordinator dashboard --------------------------------------------------------


def dashboard(*, period: Period) -> dict:
    """The period's snapshot (if any) and its predecessor, in one query; then the most
    recent snapshots to pick from, in one more."""
    previous_period = period.previous()
    pair = {
        (s.period_start, s.period_end): s
        for s in ImpactSnapshot.objects.filter(
            period_kind=period.kind,
            period_start__in=[period.start, previous_period.start],
            period_end__in=[period.end, previous_period.end],
        )
    }
    snapshot = pair.get((period.start, period.end))
    previous = pair.get((previous_period.start, previous_period.end))
    recent = list(
        ImpactSnapshot.objects.defer("data").order_by("-requested_at", "-computed_at")[:12]
    )
    return {
        "period": period,
        "snapshot": snapshot,
        "report": build_report(snapshot, previous, public=False)
        if snapshot is not None and snapshot.is_current
        else None,
        "recent": [(s, Period.of_snapshot(s)) for s in recent],
        "definitions": metrics.METRICS,
    }


def get_snapshot_for_export(*, period: Period) -> ImpactSnapshot:
    """The period's snapshot with current figures, or 404."""
    snapshot = ImpactSnapshot.objects.filter(
        period_kind=period.kind, period_start=period.start, period_end=period.end
    ).first()
    if snapshot is None or not snapshot.is_current:
        raise Http404("no current figures for that period")
    return snapshot


def previous_of(snapshot: ImpactSnapshot) -> ImpactSnapshot | None:
    before = Period.of_snapshot(snapshot).previous()
    return ImpactSnapshot.objects.filter(
        period_kind=before.kind, period_start=before.start, period_end=before.end
    ).first()
