"""PDF certificates and the PDF transcript, drawn with fpdf2 as trec.pdf.HubPDF documents
(DejaVu Sans: every name is printed as it is spelled). The certificate carries its code
and a QR code (segno) for its public verification page. Text is drawn as text: nothing in
it is interpreted.
"""

from decimal import Decimal

import segno
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from fpdf.fonts import FontFace

from trec.formats import date_phrase, quantity_text
from trec.i18n import plural_number
from trec.pdf import BODY, HubPDF

from .models import Certificate

INK = (29, 35, 39)
BRAND = (11, 61, 92)
MUTED = (74, 85, 96)
ALERT = (166, 29, 36)


def hours_text(hours: Decimal) -> str:
    """2.50 -> "2.5", 3.00 -> "3", 0.75 -> "0.75"."""
    return quantity_text(hours)


def _day(value) -> str:
    return date_phrase(value, "date")


def _qr(pdf, data: str, *, x: float, y: float, size: float) -> None:
    """A QR code as vector squares (one rectangle per run of dark modules)."""
    matrix = segno.make(data, error="m").matrix
    module = size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row, line in enumerate(matrix):
        col = 0
        while col < len(line):
            if line[col]:
                start = col
                while col < len(line) and line[col]:
                    col += 1
                pdf.rect(
                    x + start * module, y + row * module, (col - start) * module, module, style="F"
                )
            else:
                col += 1


def certificate_pdf(*, certificate, verify_url: str) -> bytes:
    """One certificate on a landscape Letter page: who earned how many hours in what,
    from whom and when, its code, and a QR code for `verify_url`."""
    pdf = HubPDF(orientation="L", title=_("Certificate %(code)s") % {"code": certificate.code})
    pdf.set_subject(f"{certificate.code} {certificate.title}")
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    width, height = pdf.w, pdf.h
    with pdf.artifact():
        pdf.set_draw_color(*BRAND)
        pdf.set_line_width(3)
        pdf.rect(24, 24, width - 48, height - 48)
        pdf.set_line_width(1)
        pdf.rect(32, 32, width - 64, height - 64)

    def line(text, size, style="", colour=INK, gap=0.0, kind="P"):
        with pdf.tagged(kind):
            pdf.set_font(BODY, style, size)
            pdf.set_text_color(*colour)
            pdf.set_x(pdf.l_margin)
            pdf.multi_cell(0, size * 1.3, text, align="C", new_x="LMARGIN", new_y="NEXT")
        if gap:
            pdf.ln(gap)

    pdf.set_y(70)
    line(
        f"{settings.HUB_NAME} - " + _("Certificate of professional learning").upper(),
        11,
        "B",
        MUTED,
        14,
        kind="H1",
    )
    if certificate.is_revoked:
        line(_("REVOKED: this certificate is no longer valid."), 16, "B", ALERT, 8)
    line(_("This certifies that"), 13, gap=6)
    line(certificate.recipient_name, 30, "B", BRAND, 8, kind="H2")
    if certificate.kind == Certificate.Kind.PRESENTED:
        earned = ngettext(
            "presented, earning %(hours)s clock hour of professional learning,",
            "presented, earning %(hours)s clock hours of professional learning,",
            plural_number(certificate.hours),
        )
    else:
        earned = ngettext(
            "earned %(hours)s clock hour of professional learning in",
            "earned %(hours)s clock hours of professional learning in",
            plural_number(certificate.hours),
        )
    line(earned % {"hours": hours_text(certificate.hours)}, 13, gap=6)
    line(certificate.title, 20, "B", gap=12)
    if certificate.issuer:
        line(_("Offered by %(issuer)s") % {"issuer": certificate.issuer}, 12)
    if certificate.first_date == certificate.last_date:
        dates = _day(certificate.first_date)
    else:
        dates = f"{_day(certificate.first_date)} - {_day(certificate.last_date)}"
    line(dates, 12)
    issued = timezone.localtime(certificate.issued_at).date() if certificate.issued_at else None
    if issued:
        line(_("Issued %(date)s") % {"date": _day(issued)}, 10, colour=MUTED)

    qr_size = 96
    qr_x, qr_y = width - 64 - qr_size, height - 64 - qr_size
    pdf.set_text_color(*INK)
    with pdf.tagged("P"):
        pdf.set_font(BODY, "", 10)
        pdf.set_xy(64, qr_y + 30)
        pdf.cell(qr_x - 80, 14, _("Verification code"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Courier", "B", 16)
        pdf.set_x(64)
        pdf.cell(qr_x - 80, 20, certificate.code, new_x="LMARGIN", new_y="NEXT")
    with pdf.tagged("P"):
        pdf.set_font(BODY, "", 9)
        pdf.set_text_color(*MUTED)
        pdf.set_x(64)
        pdf.multi_cell(
            qr_x - 80,
            12,
            _("Scan the code or visit %(url)s to verify.") % {"url": verify_url},
            new_x="LMARGIN",
            new_y="NEXT",
        )
    with pdf.tagged(
        "Figure", alt=_("QR code for the verification page %(url)s") % {"url": verify_url}
    ):
        _qr(pdf, verify_url, x=qr_x, y=qr_y, size=qr_size)
    return bytes(pdf.output())


def transcript_pdf(*, user, transcript, filters: dict) -> bytes:
    """The (filtered) transcript on portrait Letter pages: totals, then each school
    year's credits as a table."""
    name = user.get_full_name() or user.email
    pdf = HubPDF(title=_("PD transcript: %(name)s") % {"name": name})
    pdf.add_page()
    pdf.set_text_color(*BRAND)
    pdf.set_font(BODY, "B", 22)
    with pdf.tagged("H1"):
        pdf.cell(0, 28, _("Professional learning transcript"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.set_font(BODY, "B", 14)
    with pdf.tagged("P"):
        pdf.cell(0, 20, name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(BODY, "", 10)
    pdf.set_text_color(*MUTED)
    facts = [
        _("%(hub)s - printed %(date)s")
        % {"hub": settings.HUB_NAME, "date": _day(timezone.localdate())}
    ]
    if filters.get("school_year"):
        facts.append(_("School year: %(year)s") % {"year": filters["school_year"]})
    if filters.get("source"):
        facts.append(_("Source: %(source)s") % {"source": filters["source_label"]})
    with pdf.tagged("P"):
        pdf.multi_cell(0, 13, " - ".join(facts), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_text_color(*INK)
    pdf.set_font(BODY, "B", 12)
    with pdf.tagged("P"):
        pdf.cell(
            0,
            16,
            ngettext(
                "Total: %(hours)s hour", "Total: %(hours)s hours", plural_number(transcript.hours)
            )
            % {"hours": hours_text(transcript.hours)},
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.set_font(BODY, "", 10)
    for label, hours in transcript.by_source:
        with pdf.tagged("P"):
            pdf.cell(0, 14, f"{label}: {hours_text(hours)}", new_x="LMARGIN", new_y="NEXT")
    if not transcript.years:
        pdf.ln(8)
        with pdf.tagged("P"):
            pdf.cell(0, 14, _("No hours yet."), new_x="LMARGIN", new_y="NEXT")
    heading = FontFace(emphasis="BOLD", fill_color=(230, 238, 243))
    for year in transcript.years:
        pdf.ln(12)
        pdf.set_font(BODY, "B", 13)
        pdf.set_text_color(*BRAND)
        with pdf.tagged("H2"):
            pdf.cell(
                0,
                18,
                ngettext(
                    "%(year)s: %(hours)s hour",
                    "%(year)s: %(hours)s hours",
                    plural_number(year.hours),
                )
                % {"year": year.school_year, "hours": hours_text(year.hours)},
                new_x="LMARGIN",
                new_y="NEXT",
            )
        pdf.set_text_color(*INK)
        pdf.set_font(BODY, "", 9)
        with (
            pdf.tagged("Table"),
            pdf.table(
                col_widths=(70, 200, 120, 60, 40),
                text_align=("LEFT", "LEFT", "LEFT", "LEFT", "RIGHT"),
                headings_style=heading,
                line_height=12,
                padding=3,
            ) as table,
        ):
            table.row(
                [
                    _("Date"),
                    _("Professional learning"),
                    _("Offered by"),
                    _("Source"),
                    _("Hours"),
                ]
            )
            for credit in year.credits:
                table.row(
                    [
                        date_phrase(credit.earned_on, "short_date"),
                        getattr(credit, "shown_title", credit.title),
                        credit.provider_name,
                        credit.get_source_kind_display(),
                        hours_text(credit.hours),
                    ]
                )
    return bytes(pdf.output())
