"""A wall as a PDF to give a school: a title page, then every post as a card.

A trec.pdf.HubPDF: every name and message is printed as written (an emoji no font has
becomes a visible box). Text is drawn as text, not markup: nothing in a post is
interpreted.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trec.formats import date_phrase
from trec.i18n import localized
from trec.pdf import BODY, HubPDF

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
    colour = THEME_RGB.get(wall.theme, THEME_RGB["teal"])
    title = localized(wall, "title")
    pdf = HubPDF(title=title)
    pdf.add_page()
    pdf.set_text_color(*colour)
    pdf.set_font(BODY, "B", 28)
    with pdf.tagged("H1"):
        pdf.multi_cell(0, 34, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(29, 35, 39)
    pdf.set_font(BODY, "", 13)
    with pdf.tagged("P"):
        pdf.multi_cell(0, 18, localized(wall, "season"), new_x="LMARGIN", new_y="NEXT")
    if localized(wall, "intro"):
        pdf.ln(8)
        with pdf.tagged("P"):
            pdf.multi_cell(0, 17, localized(wall, "intro"), new_x="LMARGIN", new_y="NEXT")
    partners = ", ".join(partner.name for partner in wall.partners.all())
    if partners:
        pdf.ln(8)
        pdf.set_font(BODY, "I", 11)
        with pdf.tagged("P"):
            pdf.multi_cell(
            0, 15, _("With %(partners)s") % {"partners": partners},
            new_x="LMARGIN", new_y="NEXT",
        )  # fmt: skip
    pdf.ln(6)
    pdf.set_font(BODY, "", 10)
    with pdf.tagged("P"):
        pdf.multi_cell(
            0,
            14,
            ngettext(
                "%(count)s message of thanks · printed %(date)s",
                "%(count)s messages of thanks · printed %(date)s",
                len(posts),
            )
            % {"count": len(posts), "date": date_phrase(timezone.localdate(), "date")},
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
        pdf.set_font(BODY, "B", 13)
        pdf.set_text_color(*colour)
        heading = _("To %(name)s") % {"name": post.recipient_name}
        with pdf.tagged("H2"):
            pdf.multi_cell(0, 17, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(74, 85, 96)
        if post.recipient_place:
            pdf.set_x(pdf.l_margin + 10)
            pdf.set_font(BODY, "", 10)
            with pdf.tagged("P"):
                pdf.multi_cell(0, 13, post.recipient_place, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(29, 35, 39)
        pdf.set_font(BODY, "", 11)
        pdf.set_x(pdf.l_margin + 10)
        with pdf.tagged("P"):
            pdf.multi_cell(0, 15, post.message, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(BODY, "I", 10)
        pdf.set_x(pdf.l_margin + 10)
        with pdf.tagged("P"):
            pdf.multi_cell(0, 14, "- " + post.signature, new_x="LMARGIN", new_y="NEXT")
        bottom = pdf.get_y()
        if bottom > top:  # a card that did not cross a page: a bar on its left
            with pdf.artifact():
                pdf.line(pdf.l_margin, top + 2, pdf.l_margin, bottom - 2)
        pdf.ln(14)
    return bytes(pdf.output())
