"""Hand-written, server-side SVG charts. Each is an image with a title and a short
description; the page puts the same numbers in a table right after it, so nothing is
only in the picture. No inline styles (the CSP forbids them): colours come from
classes in static/css/impact.css."""

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640


def _n(value: float) -> str:
    return f"{value:.1f}"


def _svg(*, chart_id: str, title: str, desc: str, height: int, body: list[str]) -> SafeString:
    head = format_html(
        '<svg class="impact-chart-svg" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>',
        w=WIDTH,
        h=height,
        id=chart_id,
        title=title,
        desc=desc,
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every part escaped


def horizontal_bars(
    *, chart_id: str, title: str, desc: str, rows: list[tuple[str, float, str]]
) -> SafeString:
    """One bar per (label, value, value text) row, longest first as given."""
    label_width, bar_height, gap, top = 210, 20, 10, 8
    usable = WIDTH - label_width - 70
    biggest = max((value for _, value, _ in rows), default=0) or 1
    body = []
    for index, (label, value, text) in enumerate(rows):
        y = top + index * (bar_height + gap)
        width = max(1.0, usable * value / biggest) if value else 0
        short = label if len(label) <= 30 else label[:29] + "…"
        body.append(
            format_html(
                '<text class="chart-label" x="{lx}" y="{ty}" text-anchor="end">{label}</text>'
                '<rect class="chart-bar" x="{x}" y="{y}" width="{w}" height="{h}" rx="2"/>'
                '<text class="chart-value" x="{vx}" y="{ty}">{text}</text>',
                lx=label_width - 8,
                ty=y + bar_height - 5,
                label=short,
                x=label_width,
                y=y,
                w=_n(width),
                h=bar_height,
                vx=_n(label_width + width + 6),
                text=text,
            )
        )
    height = top * 2 + max(1, len(rows)) * (bar_height + gap)
    return _svg(chart_id=chart_id, title=title, desc=desc, height=height, body=body)


def columns(
    *, chart_id: str, title: str, desc: str, rows: list[tuple[str, float, str]]
) -> SafeString:
    """Vertical bars over time (e.g. one a month), labels under the axis."""
    height, bottom, top, left = 260, 40, 24, 8
    plot = height - bottom - top
    slot = (WIDTH - left * 2) / max(1, len(rows))
    biggest = max((value for _, value, _ in rows), default=0) or 1
    every = max(1, round(len(rows) / 12))
    body = [
        format_html(
            '<line class="chart-axis" x1="{x1}" y1="{y}" x2="{x2}" y2="{y}"/>',
            x1=left,
            x2=WIDTH - left,
            y=height - bottom,
        )
    ]
    for index, (label, value, text) in enumerate(rows):
        bar = plot * value / biggest if value else 0
        x = left + index * slot + slot * 0.15
        body.append(
            format_html(
                '<rect class="chart-bar" x="{x}" y="{y}" width="{w}" height="{h}" rx="2"/>',
                x=_n(x),
                y=_n(height - bottom - bar),
                w=_n(slot * 0.7),
                h=_n(bar),
            )
        )
        if value and len(rows) <= 24:
            body.append(
                format_html(
                    '<text class="chart-value" x="{x}" y="{y}" text-anchor="middle">{text}</text>',
                    x=_n(x + slot * 0.35),
                    y=_n(height - bottom - bar - 4),
                    text=text,
                )
            )
        if index % every == 0:
            body.append(
                format_html(
                    '<text class="chart-label" x="{x}" y="{y}" text-anchor="middle">{label}</text>',
                    x=_n(x + slot * 0.35),
                    y=height - bottom + 18,
                    label=label,
                )
            )
    return _svg(chart_id=chart_id, title=title, desc=desc, height=height, body=body)


__all__ = ["columns", "escape", "horizontal_bars"]
