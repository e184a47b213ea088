"""Horizontal bar charts drawn on the server as SVG geometry; the template
(surveys/_bar_chart.html) writes the <svg> with a <title> and <desc>, and every chart
sits next to a table with the same numbers for screen readers and print."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 400
LABEL_HEIGHT = 18
BAR_HEIGHT = 16
ROW_GAP = 10
BAR_AREA = 330  # leaves room for the value after the bar
MAX_LABEL = 48


@dataclass
class Bar:
    label: str
    value_text: str
    label_y: int
    bar_y: int
    width: float
    value_x: float
    value_y: int
    highlight: bool = False


@dataclass
class BarChart:
    id: str
    title: str
    desc: str
    bars: list[Bar]
    height: int
    width: int = WIDTH


def _short(label: str) -> str:
    label = str(label)
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    rows: list[tuple[str, float, str]],
    scale_max: float | None = None,
    highlight: set[int] | None = None,
) -> BarChart:
    """`rows`: (label, value, value as shown). Bars are scaled to `scale_max` (default:
    the largest value), so percentages can be drawn against 100."""
    top = scale_max if scale_max is not None else max((v for _, v, _ in rows), default=0)
    bars = []
    y = 0
    for index, (label, value, shown) in enumerate(rows):
        width = 0.0 if not top else round(BAR_AREA * float(value) / float(top), 1)
        bar_y = y + LABEL_HEIGHT
        bars.append(
            Bar(
                label=_short(label),
                value_text=shown,
                label_y=y + 13,
                bar_y=bar_y,
                width=max(width, 1.0 if value else 0.0),
                value_x=width + 6,
                value_y=bar_y + 12,
                highlight=bool(highlight and index in highlight),
            )
        )
        y += LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    return BarChart(id=chart_id, title=title, desc=desc, bars=bars, height=max(y, 1))
