"""Helpers every export shares: CSV cells that stay text, PDF text in the core fonts."""

import unicodedata

# A cell starting with one of these is a formula to Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Typographic punctuation the PDF core fonts (Latin-1) lack, and its plain stand-in.
PUNCTUATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u00b7": "-",
        "\u2665": "",
    }
)


def csv_cell(value) -> str:
    """Text as a spreadsheet shows it; a leading = + - @ would make it a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text


def latin1(text) -> str:
    """Text a PDF core font can draw: Spanish accents stay, curly quotes and dashes become
    plain ones, anything else (emoji) is dropped."""
    text = unicodedata.normalize("NFC", str(text)).translate(PUNCTUATION)
    return text.encode("latin-1", "ignore").decode("latin-1")
