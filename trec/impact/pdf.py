"""The impact report as a PDF for funders (fpdf2, a trec.pdf.HubPDF): the title and the
period, headline figures with the trend, every figure with how it is counted, the
breakdowns (small cells withheld, as on the public page) and the programs block.

Layout rules that keep it readable at any length: every text block is a multi_cell
that wraps inside the margins and moves back to the left margin; tables are fpdf2
tables (each heading shown, cells wrapped, headings repeated on a new page); a headline
figure that is a phrase ("not enough answers yet") wraps in its own box and the next
row starts below the taller of the two."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf.fonts import FontFace

from trec.formats import date_phrase
from trec.pdf import BODY, HubPDF

from .selectors import Report

INK = (29, 35, 39)
BRAND = (11, 61, 92)
MUTED = (74, 85, 96)
HEADING_FILL = (230, 238, 243)
GUTTER = 12
ROWS_PER_TABLE = 40


def _text(pdf, text, *, size=10, style="", colour=INK, line=None, kind="P") -> None:
    """A paragraph (or heading: `kind`) across the full text width, wrapped inside the
    margins."""
    pdf.set_font(BODY, style, size)
    pdf.set_text_color(*colour)
    pdf.set_x(pdf.l_margin)
    with pdf.tagged(kind):
        pdf.multi_cell(pdf.epw, line or size * 1.35, str(text), new_x="LMARGIN", new_y="NEXT")


def _heading(pdf, text) -> None:
    if pdf.get_y() > pdf.page_break_trigger - 90:  # keep a heading with its first rows
        pdf.add_page()
    pdf.ln(10)
    pdf.start_section(str(text))  # the document outline (bookmarks) lists every section
    _text(pdf, text, size=14, style="B", colour=BRAND, line=18, kind="H2")
    pdf.ln(2)


def _table(pdf, columns, rows, *, first=0.4) -> None:
    rest = (1 - first) / max(1, len(columns) - 1)
    widths = [first] + [rest] * (len(columns) - 1)
    pdf.set_font(BODY, "", 9)
    pdf.set_text_color(*INK)
    with (
        pdf.tagged("Table"),
        pdf.table(
            col_widths=[round(w * 1000) for w in widths],
            text_align=["LEFT"] + ["RIGHT"] * (len(columns) - 1),
            headings_style=FontFace(emphasis="BOLD", fill_color=HEADING_FILL),
            line_height=12,
            padding=3,
            borders_layout="HORIZONTAL_LINES",
        ) as table,
    ):
        table.row([str(column) for column in columns])
        for row in rows:
            table.row([str(value) for value in row])
    pdf.ln(4)


def _headline(pdf, figures) -> None:
    """Two figures a row; each wraps in its own box."""
    box = (pdf.epw - GUTTER) / 2
    for start in range(0, len(figures), 2):
        if pdf.get_y() > pdf.page_break_trigger - 90:
            pdf.add_page()
        top, bottom = pdf.get_y(), pdf.get_y()
        for column, figure in enumerate(figures[start : start + 2]):
            left = pdf.l_margin + column * (box + GUTTER)
            pdf.set_xy(left, top)
            value = str(figure["text"])
            size = 24 if len(value) <= 12 else 13
            with pdf.tagged("P"):
                pdf.set_font(BODY, "B", size)
                pdf.set_text_color(*BRAND)
                pdf.multi_cell(box, size * 1.2, value, new_x="LEFT", new_y="NEXT")
                pdf.set_font(BODY, "", 10)
                pdf.set_text_color(*INK)
                pdf.multi_cell(box, 13, str(figure["label"]), new_x="LEFT", new_y="NEXT")
                if figure["trend"]:
                    pdf.set_text_color(*MUTED)
                    trend = f"{figure['trend']['arrow']} {figure['trend']['text']}"
                    pdf.multi_cell(box, 12, trend, new_x="LEFT", new_y="NEXT")
            bottom = max(bottom, pdf.get_y())
        pdf.set_xy(pdf.l_margin, bottom + 10)


def report_pdf(*, report: Report) -> bytes:
    """The year's report for funders: the cover lines, every figure, the programs, each
    chart's and each breakdown's table, and how each figure is counted."""
    title = _("Impact report %(period)s") % {"period": report.snapshot.label}
    pdf = HubPDF(title=title)
    pdf.add_page()
    _cover(pdf, report, title)
    _figures(pdf, report)
    _programs(pdf, report)
    _charts(pdf, report)
    _breakdowns(pdf, report)
    _how_we_count(pdf, report)
    return bytes(pdf.output())


def _cover(pdf: HubPDF, report: Report, title: str) -> None:
    _text(pdf, title, size=22, style="B", colour=BRAND, line=28, kind="H1")
    computed = timezone.localtime(report.snapshot.computed_at)
    _text(
        pdf,
        _("%(hub)s · %(period)s · computed %(date)s")
        % {
            "hub": settings.HUB_NAME,
            "period": report.period.description,
            "date": date_phrase(computed, "date"),
        },
        colour=MUTED,
    )
    pdf.ln(10)
    _headline(pdf, report.headline)


def _figures(pdf: HubPDF, report: Report) -> None:
    _heading(pdf, _("All figures"))
    _table(
        pdf,
        [_("Figure"), _("Value"), _("Compared with the year before")],
        [
            [f["label"], f["text"], f["trend"]["text"] if f["trend"] else "—"]
            for f in report.figures
        ],
        first=0.42,
    )


def _programs(pdf: HubPDF, report: Report) -> None:
    if not report.programs:
        return
    _heading(pdf, _("Programs and summits"))
    _table(
        pdf,
        [_("Program"), _("Attendees"), _("PD hours"), _("Students"), _("Applicable")],
        [
            [
                p["title"],
                p["attendees_text"],
                p["hours_text"],
                p["students_text"],
                p["satisfaction_text"],
            ]
            for p in report.programs
        ],
    )


def _charts(pdf: HubPDF, report: Report) -> None:
    for chart in report.charts:
        _heading(pdf, chart.title)
        _table(
            pdf, chart.columns, [[c["text"] for c in row] for row in chart.rows[:ROWS_PER_TABLE]]
        )


def _breakdowns(pdf: HubPDF, report: Report) -> None:
    for block in report.breakdowns:
        _heading(pdf, _("By %(dimension)s") % {"dimension": str(block["label"]).lower()})
        _table(
            pdf,
            [block["label"], _("Educators"), _("Attendances"), _("PD hours")],
            [
                [r["label"], r["people"]["text"], r["attendances"]["text"], r["hours"]["text"]]
                for r in block["rows"][:ROWS_PER_TABLE]
            ],
        )


def _how_we_count(pdf: HubPDF, report: Report) -> None:
    _heading(pdf, _("How we count"))
    for figure in report.figures:
        _text(pdf, figure["label"], size=9, style="B", line=12)
        _text(pdf, figure["how"], size=9, line=12)
        pdf.ln(3)
    _text(
        pdf,
        _(
            "Breakdown cells about fewer than 5 people are withheld so no one can be "
            "singled out. Definitions version %(version)s."
        )
        % {"version": report.snapshot.definitions_version},
        size=9,
        colour=MUTED,
        line=12,
    )
