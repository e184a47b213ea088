"""The impact report as a PDF for funders (fpdf2): headline figures with the trend,
every figure with how it is counted, the breakdowns (small cells withheld, as on the
public page) and the programs block.

Uses DejaVu Sans when the system has it (any language, arrows and dashes); otherwise
the core Helvetica with the hub's Latin-1 helper."""

import logging
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from trec.exports import latin1

from .selectors import Report

logging.getLogger("fontTools").setLevel(logging.WARNING)  # subsetting chatter
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
INK = (29, 35, 39)
BRAND = (11, 61, 92)
MUTED = (74, 85, 96)


def _setup():
    from fpdf import FPDF

    pdf = FPDF(orientation="P", format="Letter", unit="pt")
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        pdf.add_font("Body", "", str(regular))
        pdf.add_font("Body", "B", str(bold))
        family, clean = "Body", str
    else:  # pragma: no cover - depends on the machine's fonts
        family, clean = "Helvetica", latin1
    pdf.set_auto_page_break(auto=True, margin=54)
    pdf.set_margins(54, 54, 54)
    return pdf, family, clean


def report_pdf(*, report: Report) -> bytes:
    pdf, family, t = _setup()
    title = _("Impact report %(period)s") % {"period": report.snapshot.label}
    pdf.set_title(t(title))
    pdf.set_author(t(settings.HUB_NAME))
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    pdf.set_text_color(*BRAND)
    pdf.set_font(family, "B", 22)
    pdf.multi_cell(width, 28, t(title))
    pdf.set_text_color(*MUTED)
    pdf.set_font(family, "", 10)
    computed = timezone.localtime(report.snapshot.computed_at)
    pdf.multi_cell(
        width,
        14,
        t(
            _("%(hub)s · %(period)s · computed %(date)s")
            % {
                "hub": settings.HUB_NAME,
                "period": report.period.description,
                "date": date_format(computed, "F j, Y"),
            }
        ),
    )
    pdf.ln(10)

    # Headline figures, two a row.
    pdf.set_text_color(*INK)
    box = width / 2
    for index, figure in enumerate(report.headline):
        if index % 2 == 0:
            y = pdf.get_y()
        x = pdf.l_margin + (index % 2) * box
        pdf.set_xy(x, y)
        pdf.set_font(family, "B", 24)
        pdf.set_text_color(*BRAND)
        pdf.cell(box, 28, t(figure["text"]))
        pdf.set_xy(x, y + 28)
        pdf.set_font(family, "", 10)
        pdf.set_text_color(*INK)
        pdf.cell(box, 14, t(str(figure["label"])))
        if figure["trend"]:
            pdf.set_xy(x, y + 42)
            pdf.set_text_color(*MUTED)
            pdf.cell(box, 12, t(f"{figure['trend']['arrow']} {figure['trend']['text']}"))
        if index % 2 == 1 or index == len(report.headline) - 1:
            pdf.set_xy(pdf.l_margin, y + 64)
    pdf.ln(6)

    def heading(text):
        pdf.ln(8)
        pdf.set_font(family, "B", 14)
        pdf.set_text_color(*BRAND)
        pdf.multi_cell(width, 18, t(text))
        pdf.set_text_color(*INK)

    def table(columns, rows, first=0.5):
        rest = (width * (1 - first)) / max(1, len(columns) - 1)
        widths = [width * first] + [rest] * (len(columns) - 1)
        pdf.set_font(family, "B", 9)
        for w, col in zip(widths, columns, strict=True):
            pdf.cell(w, 16, t(str(col)), border="B")
        pdf.ln()
        pdf.set_font(family, "", 9)
        for row in rows:
            for index, (w, value) in enumerate(zip(widths, row, strict=True)):
                pdf.cell(w, 14, t(str(value))[:60], align="L" if index == 0 else "R")
            pdf.ln()

    heading(_("All figures"))
    table(
        [_("Figure"), _("Value"), _("Compared with the year before")],
        [
            [f["label"], f["text"], f["trend"]["text"] if f["trend"] else "—"]
            for f in report.figures
        ],
        first=0.42,
    )
    if report.programs:
        heading(_("Programs and summits"))
        table(
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
            first=0.4,
        )
    for chart in report.charts:
        heading(chart.title)
        table(chart.columns, [[cell["text"] for cell in row] for row in chart.rows[:40]])
    for block in report.breakdowns:
        heading(_("By %(dimension)s") % {"dimension": str(block["label"]).lower()})
        table(
            [block["label"], _("Educators"), _("Attendances"), _("PD hours")],
            [
                [r["label"], r["people"]["text"], r["attendances"]["text"], r["hours"]["text"]]
                for r in block["rows"][:40]
            ],
            first=0.4,
        )

    heading(_("How we count"))
    for figure in report.figures:
        pdf.set_font(family, "B", 9)
        pdf.multi_cell(width, 12, t(str(figure["label"])))
        pdf.set_font(family, "", 9)
        pdf.multi_cell(width, 12, t(str(figure["how"])))
        pdf.ln(3)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(
        width,
        12,
        t(
            _(
                "Breakdown cells about fewer than 5 people are withheld so no one can be "
                "singled out. Definitions version %(version)s."
            )
            % {"version": report.snapshot.definitions_version}
        ),
    )
    return bytes(pdf.output())
