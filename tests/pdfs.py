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


@dataclass(frozen=True)
class Structure:
    tagged: bool  # pdfinfo's "Tagged: yes" (the catalog's /MarkInfo /Marked true)
    has_root: bool  # the catalog has a /StructTreeRoot
    elements: list[tuple[str, str]]  # (structure type, its text) in reading order


def pdf_structure(content: bytes) -> Structure:
    """The tagged structure as poppler reads it (`pdfinfo` and `pdfinfo -struct-text`)."""

    def pdfinfo(*args: str) -> str:
        out = subprocess.run(
            ["pdfinfo", *args, "-"], input=content, capture_output=True, check=True
        )
        return out.stdout.decode("utf-8")

    info = {
        key.strip(): value.strip()
        for key, _, value in (line.partition(":") for line in pdfinfo().splitlines())
    }
    elements, lines = [], pdfinfo("-struct-text").splitlines()
    for line, following in zip(lines, [*lines[1:], ""], strict=True):
        if line.startswith("  ") and not line.startswith("   "):
            text = following.strip() if following.startswith("    ") else ""
            elements.append((line.split()[0], " ".join(text.strip('"').split())))
    root = pypdf.PdfReader(io.BytesIO(content)).trailer["/Root"]
    return Structure(info.get("Tagged") == "yes", "/StructTreeRoot" in root, elements)


def untagged_words(content: bytes) -> list[str]:
    """Words pdftotext reads that sit in no structure element (a screen reader following
    the tags would skip them)."""
    tagged = "".join("".join(text.split()) for _, text in pdf_structure(content).elements)
    return [word for word in pdf_text(content).split() if word not in tagged]


def figure_alts(content: bytes) -> list[str]:
    """The alternate descriptions (/Alt) of the document's Figure elements."""
    root = pypdf.PdfReader(io.BytesIO(content)).trailer["/Root"]
    document = root["/StructTreeRoot"]["/K"]
    document = document[0].get_object() if isinstance(document, list) else document.get_object()
    kids = [kid.get_object() for kid in document["/K"]]
    return [str(kid.get("/Alt", "")) for kid in kids if kid["/S"] == "/Figure"]
