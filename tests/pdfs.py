"""Reading back the PDFs the hub prints, as a person copying text out of them would."""

import io
import subprocess
from dataclasses import dataclass

import pypdf
from bs4 import BeautifulSoup


def pdf_text(content: bytes) -> str:
    """The text of every page, extracted by poppler's pdftotext (the tool most readers
    and screen readers' converters build on), with line breaks folded into spaces."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
    )
    return " ".join(out.stdout.decode("utf-8").split())


def pdf_language(content: bytes) -> str:
    """The document language from the catalog (/Lang), "" when none is set."""
    return str(pypdf.PdfReader(io.BytesIO(content)).trailer["/Root"].get("/Lang", ""))


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def word_boxes(content: bytes) -> list[tuple[float, float, list[Word]]]:
    """Per page: its width, its height and every word with its box in points (origin at
    the top left), from `pdftotext -bbox`."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    )
    pages = []
    for page in BeautifulSoup(out.stdout.decode("utf-8"), "html.parser").find_all("page"):
        words = [
            Word(
                word.get_text(),
                *(float(word[key]) for key in ("xmin", "ymin", "xmax", "ymax")),
            )
            for word in page.find_all("word")
        ]
        pages.append((float(page["width"]), float(page["height"]), words))
    return pages
