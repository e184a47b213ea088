"""trec/pdf.py: every HubPDF is a tagged PDF in the reader's language."""

import pytest
from django.utils import translation

from tests.pdfs import figure_alts, pdf_language, pdf_structure, pdf_text, untagged_words
from trec.pdf import BODY, HubPDF


def _document(language=None) -> bytes:
    pdf = HubPDF(title="Prueba", language=language)
    pdf.add_page()
    pdf.set_font(BODY, "", 12)
    with pdf.artifact():
        pdf.rect(20, 20, 100, 100)
    with pdf.tagged("H1"):
        pdf.multi_cell(0, 20, "Constancia de Łichíí Nguyễn", new_x="LMARGIN", new_y="NEXT")
    with pdf.tagged("P"):  # long enough to run over two more pages
        pdf.multi_cell(0, 14, "aprendizaje " * 700, new_x="LMARGIN", new_y="NEXT")
    with pdf.tagged("Figure", alt="Código QR de la página de verificación"):
        pdf.rect(300, 300, 40, 40, style="F")
    with pdf.tagged("P"):
        pdf.cell(0, 14, "Fin.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_a_hub_pdf_is_tagged_in_reading_order_and_in_the_active_language():
    with translation.override("es"):
        content = _document()
    structure = pdf_structure(content)
    assert structure.tagged and structure.has_root
    kinds = [kind for kind, _ in structure.elements]
    # The paragraph that crossed two page breaks continues as a paragraph on each page.
    assert kinds == ["H1", "P", "P", "P", "Figure", "P"]
    assert structure.elements[0][1] == "Constancia de Łichíí Nguyễn"
    assert figure_alts(content) == ["Código QR de la página de verificación"]
    assert pdf_language(content) == "es"
    assert untagged_words(content) == []
    assert pdf_text(content).count("aprendizaje") == 700


def test_the_language_can_be_given_and_text_outside_tags_is_found():
    pdf = HubPDF(title="Test", language="en")
    pdf.add_page()
    pdf.set_font(BODY, "", 12)
    with pdf.tagged("P"):
        pdf.cell(0, 14, "Read aloud", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 14, "Forgotten", new_x="LMARGIN", new_y="NEXT")
    content = bytes(pdf.output())
    assert pdf_language(content) == "en"
    assert untagged_words(content) == ["Forgotten"]  # the check can fail


def test_unknown_structure_types_and_nested_artifacts_are_refused():
    pdf = HubPDF(title="Test")
    pdf.add_page()
    with pytest.raises(ValueError), pdf.tagged("Paragraph"):
        pass
    with pytest.raises(ValueError), pdf.tagged("P"), pdf.artifact():
        pass
