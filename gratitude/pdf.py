"""A wall as a PDF to give a school: a title page, then every post as a card.

fpdf2's built-in Helvetica covers Latin-1 (English and Spanish); typographic quotes and
dashes are mapped to plain ones and anything else (emoji) is dropped, so user text can
never break the file. Text is drawn as text, not markup: nothing in a post is
interpreted.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from trec.exports import latin1

# Theme colours (RGB) matching gratitude.css.
THEME_RGB = {
    "teal": (11, 85, 99),
    "sunrise": (166, 61, 23),
    "desert": (142, 38, 78),
    "sky": (26, 78, 140),
    "saguaro": (30, 94, 47),
    "plum": (92, 45, 125),
}


def wall_pdf(*, wall, posts) -> bytes:
    from fpdf import FPDF

    colour = THEME_RGB.get(wall.theme, THEME_RGB["teal"])
    pdf = FPDF(format="Letter", unit="pt")
    pdf.set_title(latin1(wall.title))
    pdf.set_creator("TREC Hub")
    pdf.set_auto_page_break(auto=True, margin=54)
    pdf.set_margins(54, 54, 54)
    pdf.add_page()
    pdf.set_text_color(*colour)
    pdf.set_font("Helvetica", "B", 28)
    pdf.multi_cell(0, 34, latin1(wall.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(29, 35, 39)
    pdf.set_font("Helvetica", "", 13)
    pdf.multi_cell(0, 18, latin1(wall.season), new_x="LMARGIN", new_y="NEXT")
    if wall.intro:
        pdf.ln(8)
        pdf.multi_cell(0, 17, latin1(wall.intro), new_x="LMARGIN", new_y="NEXT")
    partners = ", ".join(partner.name for partner in wall.partners.all())
    if partners:
        pdf.ln(8)
        pdf.set_font("Helvetica", "I", 11)
        pdf.multi_cell(
            0, 15, latin1(_("With %(partners)s") % {"partners": partners}),
            new_x="LMARGIN", new_y="NEXT",
        )  # fmt: skip
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(
        0,
        14,
        latin1(
            _("%(count)s messages of thanks · printed %(date)s")
            % {"count": len(posts), "date": timezone.localdate().isoformat()}
        ).replace("·", "-"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(14)
    for post in posts:
        if pdf.get_y() > pdf.h - 160:
            pdf.add_page()
        pdf.set_draw_color(*colour)
        pdf.set_line_width(2)
        top = pdf.get_y()
        pdf.set_x(pdf.l_margin + 10)
        pdf.set_font("Helvetica", "B", 13)
        pdf.set_text_color(*colour)
        heading = _("To %(name)s") % {"name": post.recipient_name}
        pdf.multi_cell(0, 17, latin1(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(74, 85, 96)
        if post.recipient_place:
            pdf.set_x(pdf.l_margin + 10)
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(0, 13, latin1(post.recipient_place), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(29, 35, 39)
        pdf.set_font("Helvetica", "", 11)
        pdf.set_x(pdf.l_margin + 10)
        pdf.multi_cell(0, 15, latin1(post.message), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "I", 10)
        pdf.set_x(pdf.l_margin + 10)
        pdf.multi_cell(
            0, 14, latin1("- " + post.signature), new_x="LMARGIN", new_y="NEXT"
        )  # fmt: skip
        bottom = pdf.get_y()
        if bottom > top:  # a card that did not cross a page: a bar on its left
            pdf.line(pdf.l_margin, top + 2, pdf.l_margin, bottom - 2)
        pdf.ln(14)
    return bytes(pdf.output())
