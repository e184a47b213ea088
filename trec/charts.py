"""The hub's one chart module: bar charts drawn on the server as SVG (no script, no
inline styles: colours and sizes come from the .chart classes in static/css/hub.css).

Each chart is an image with a title and a short description, and the page puts the same
numbers in a table next to it, so nothing is only in the picture. The drawing is sized
for a phone first: the viewBox is about as wide as a phone's column, so a 15-unit label
reads at 12 px or more on a 375 px screen, and labels sit above their bars at full width
instead of being cut to fit beside them.
"""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH = 360
LABEL_SIZE = 17  # the label's line height above its bar
MAX_LABEL = 46  # characters a label keeps on one line at WIDTH (the table has the rest)


def _n(value: float) -> str:
    return f"{value:.1f}"


def _short(label) -> str:
    label = str(label)
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _svg(*, chart_id: str, title: str, desc: str, height: float, body: list[str]) -> SafeString:
    head = format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" focusable="false" '
        'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>',
        w=WIDTH,
        h=_n(height),
        id=f"chart-{chart_id}",
        title=title,
        desc=desc,
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every part escaped


def horizontal_bars(
    *,
    chart_id: str,
    title: str,
    desc: str,
    rows: list[tuple[str, float, str]],
    scale_max: float | None = None,
    highlight: set[int] | None = None,
) -> SafeString:
    """One bar per (label, value, value as shown) row, in the order given, each with its
    label above it. Bars are scaled to `scale_max` (default: the largest value), so
    percentages can be drawn against 100; rows whose index is in `highlight` stand out."""
    bar_height, gap, value_room = 14, 12, 52
    usable = WIDTH - value_room
    top = scale_max if scale_max is not None else max((v for _, v, _ in rows), default=0)
    body, y = [], 0.0
    for index, (label, value, shown) in enumerate(rows):
        width = usable * float(value) / float(top) if top and value else 0.0
        if value:
            width = max(width, 1.0)
        bar_y = y + LABEL_SIZE + 4
        css = "chart-bar chart-bar-highlight" if highlight and index in highlight else "chart-bar"
        body.append(
            format_html(
                '<text class="chart-label" x="0" y="{ly}">{label}</text>'
                '<rect class="{css}" x="0" y="{by}" width="{w}" height="{h}" rx="2"/>'
                '<text class="chart-value" x="{vx}" y="{vy}">{shown}</text>',
                ly=_n(y + LABEL_SIZE - 2),
                label=_short(label),
                css=css,
                by=_n(bar_y),
                w=_n(width),
                h=bar_height,
                vx=_n(width + 5),
                vy=_n(bar_y + bar_height - 2),
                shown=shown,
            )
        )
        y = bar_y + bar_height + gap
    return _svg(chart_id=chart_id, title=title, desc=desc, height=max(y, 1), body=body)


def columns(
    *, chart_id: str, title: str, desc: str, rows: list[tuple[str, float, str]]
) -> SafeString:
    """Vertical bars over time (e.g. one a month), labels under the axis: every label
    when there are up to 12 columns, fewer when there are more; values over the bars
    when there are few enough to read."""
    height, bottom, top, left = 220, 24, 22, 2
    plot = height - bottom - top
    slot = (WIDTH - left * 2) / max(1, len(rows))
    biggest = max((value for _, value, _ in rows), default=0) or 1
    every = max(1, -(-len(rows) // 12))
    body = [
        format_html(
            '<line class="chart-axis" x1="{x1}" y1="{y}" x2="{x2}" y2="{y}"/>',
            x1=left,
            x2=WIDTH - left,
            y=height - bottom,
        )
    ]
    for index, (label, value, shown) in enumerate(rows):
        bar = plot * value / biggest if value else 0
        x = left + index * slot + slot * 0.12
        middle = x + slot * 0.38
        body.append(
            format_html(
                '<rect class="chart-bar" x="{x}" y="{y}" width="{w}" height="{h}" rx="2"/>',
                x=_n(x),
                y=_n(height - bottom - bar),
                w=_n(slot * 0.76),
                h=_n(bar),
            )
        )
        if value and len(rows) <= 6:  # more would crowd; the table has every figure
            body.append(
                format_html(
                    '<text class="chart-value" x="{x}" y="{y}" text-anchor="middle">{shown}</text>',
                    x=_n(middle),
                    y=_n(height - bottom - bar - 4),
                    shown=shown,
                )
            )
        if index % every == 0:
            body.append(
                format_html(
                    '<text class="chart-label" x="{x}" y="{y}" text-anchor="middle">{label}</text>',
                    x=_n(middle),
                    y=height - bottom + 16,
                    label=label,
                )
            )
    return _svg(chart_id=chart_id, title=title, desc=desc, height=height, body=body)
