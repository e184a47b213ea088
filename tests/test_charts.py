"""The one chart module (trec/charts.py): labels whole and readable on a phone."""

import re
from pathlib import Path

from bs4 import BeautifulSoup

from trec import charts

PHONE_CHART_WIDTH = 290  # a 375 px screen less the page's and the card's padding
HUB_CSS = (Path(__file__).parents[1] / "static/css/hub.css").read_text(encoding="utf-8")


def css_font_size(css_class: str) -> float:
    rule = re.search(rf"\.chart \.{css_class} {{[^}}]*font-size: (\d+)px", HUB_CSS)
    return float(rule.group(1))


def test_bar_labels_are_whole_above_their_bars_and_readable_on_a_phone():
    svg = BeautifulSoup(
        charts.horizontal_bars(
            chart_id="topics",
            title="PD hours by topic",
            desc="Hours per topic",
            rows=[("Family and community engagement", 413, "413"), ("STEM", 0, "0")],
        ),
        "html.parser",
    ).svg
    width = float(svg["viewbox"].split()[2])
    labels = svg.find_all("text", class_="chart-label")
    assert [t.get_text() for t in labels] == ["Family and community engagement", "STEM"]
    assert all(t["x"] == "0" and not t.get("text-anchor") for t in labels)  # never cut at the left
    bars = svg.find_all("rect")
    assert float(bars[0]["y"]) > float(labels[0]["y"])  # the label sits above its bar
    assert float(bars[1]["width"]) == 0  # no sliver for nothing
    scale = PHONE_CHART_WIDTH / width
    assert css_font_size("chart-label") * scale >= 12
    assert css_font_size("chart-value") * scale >= 11


def test_month_columns_label_every_month_and_escape_text():
    months = [(f"M{n}<b>", n, str(n)) for n in range(12)]
    svg = charts.columns(chart_id="m", title="By <month>", desc="d", rows=months)
    soup = BeautifulSoup(svg, "html.parser")
    assert len(soup.find_all("text", class_="chart-label")) == 12
    assert "<b>" not in str(svg) and "&lt;b&gt;" in str(svg)
    assert soup.svg.title.get_text() == "By <month>"
