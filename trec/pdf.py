"""Every PDF the hub prints (certificates, transcripts, walls, the impact report) is a
HubPDF: DejaVu Sans from static/fonts (shipped with the code, so a fresh machine draws the
same letters), the document language set, and text checked before it is drawn.

DejaVu covers Latin in full (Diné ł and ą, Vietnamese ễ), Greek, Cyrillic, Hebrew, Arabic
letters and common symbols. Chinese, Japanese and Korean come from a system CJK font when
one is installed (Debian's fonts-droid-fallback, which CI and `make test` install; Noto
CJK and WenQuanYi are used too), added only to documents that need it. A character no font
has (an emoji) is drawn as MISSING, a visible box, never dropped in silence.

Every HubPDF is a tagged PDF: what a page says is drawn inside `pdf.tagged("H1")`,
`tagged("P")`, `tagged("Table")` or `tagged("Figure", alt=...)`, which become the
document's structure tree (StructTreeRoot, /MarkInfo /Marked true), in reading order, so a
screen reader reads headings, paragraphs and the QR code's description in the document's
language (/Lang, from the active language). Borders and rules are `artifact()`s, outside
the reading order. An element that crosses a page break continues as a second element of
the same kind on the next page (fpdf2 keeps one page per marked sequence).
"""

import contextlib
import functools
import logging
import unicodedata
from pathlib import Path

from django.conf import settings
from django.utils import translation
from fontTools.ttLib import TTFont
from fpdf import FPDF

logging.getLogger("fontTools").setLevel(logging.WARNING)  # subsetting chatter

FONT_DIR = settings.BASE_DIR / "static" / "fonts"
BODY = "Body"
FACES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
CJK_FONTS = [
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
]
MISSING = "\u25a1"  # □
# Parts of an emoji sequence that belong to the character before them.
JOINERS = {"\u200d", "\ufe0e", "\ufe0f", *map(chr, range(0x1F3FB, 0x1F400))}


@functools.cache
def _coverage(path: Path) -> frozenset[int]:
    with TTFont(str(path), fontNumber=0, lazy=True) as font:
        return frozenset(font.getBestCmap())


@functools.cache
def _body_coverage() -> frozenset[int]:
    """What every DejaVu face draws (bold and oblique have a few letters fewer)."""
    return frozenset.intersection(*(_coverage(FONT_DIR / name) for name in FACES.values()))


@functools.cache
def cjk_font() -> Path | None:
    return next((path for path in CJK_FONTS if path.exists()), None)


def printable(text: str, *, cjk: bool) -> str:
    """`text` in composed form with every character no font draws replaced by MISSING
    (an emoji with its skin tone or joiners becomes one box)."""
    body = _body_coverage()
    extra = _coverage(cjk_font()) if cjk and cjk_font() else frozenset()
    out = []
    for char in unicodedata.normalize("NFC", str(text)):
        code = ord(char)
        if code in body or code in extra or char in "\n\r\t":
            out.append(char)
        elif char in JOINERS or unicodedata.category(char) == "Mn":
            if not out or out[-1] != MISSING:
                out.append(char if code in body else "")
        elif not out or out[-1] != MISSING:
            out.append(MISSING)
    return "".join(out)


STRUCTURE_TYPES = {"H1", "H2", "H3", "P", "Table", "Figure", "Caption"}


class HubPDF(FPDF):
    """Letter pages in points with the "Body" font family set up. Draw with
    set_font(BODY, ...); every string drawn goes through `printable`; every block of
    content is drawn inside `tagged(...)` (or `artifact()` for decoration)."""

    def __init__(self, *, orientation: str = "P", title: str, language: str | None = None):
        super().__init__(orientation=orientation, format="Letter", unit="pt")
        for style, name in FACES.items():
            self.add_font(BODY, style, str(FONT_DIR / name))
        self._cjk_ready = False
        self._open_tag: tuple[str, str | None] | None = None
        self.set_lang(language or translation.get_language() or settings.LANGUAGE_CODE)
        self.set_title(title)
        self.set_author(settings.HUB_NAME)
        self.set_creator(settings.HUB_NAME)
        self.set_auto_page_break(auto=True, margin=54)
        self.set_margins(54, 54, 54)

    @contextlib.contextmanager
    def tagged(self, kind: str, *, alt: str | None = None):
        """Everything drawn inside is one structure element of `kind` (with `alt`, the
        text a screen reader says for a figure). Elements do not nest: a `tagged` inside
        another one adds to the outer element."""
        if kind not in STRUCTURE_TYPES:
            raise ValueError(f"Unknown structure type {kind!r}")
        if self._open_tag is not None:
            yield
            return
        self._open_tag = (kind, alt)
        self._begin_marked()
        try:
            yield
        finally:
            self._out("EMC")
            self._open_tag = None

    @contextlib.contextmanager
    def artifact(self):
        """Drawing that is decoration (frames, rules), not read aloud."""
        if self._open_tag is not None:
            raise ValueError("An artifact cannot sit inside a tagged element")
        self._out("/Artifact BMC")
        try:
            yield
        finally:
            self._out("EMC")

    def _begin_marked(self) -> None:
        kind, alt = self._open_tag
        mcid = self.struct_builder.next_mcid_for_page(self.page)
        self._add_marked_content(struct_type=f"/{kind}", mcid=mcid, alt_text=alt)
        self._out(f"/{kind} <</MCID {mcid}>> BDC")

    def add_page(self, *args, **kwargs) -> None:
        """A page break inside a tagged element closes it on this page and opens one of
        the same kind on the next (a marked sequence may not cross pages)."""
        carried = self._open_tag if self.page else None
        if carried:
            self._out("EMC")
            self._open_tag = None
        super().add_page(*args, **kwargs)
        if carried:
            self._open_tag = carried
            self._begin_marked()

    def _needs_cjk(self, text: str) -> bool:
        path = cjk_font()
        if path is None or self._cjk_ready:
            return self._cjk_ready
        body = _body_coverage()
        if not any(ord(char) not in body and ord(char) in _coverage(path) for char in text):
            return False
        self.add_font("CJK", "", str(path))
        self.set_fallback_fonts(["CJK"], exact_match=False)
        self._cjk_ready = True
        return True

    def normalize_text(self, text: str) -> str:
        if self.is_ttf_font:
            text = printable(text, cjk=self._needs_cjk(text))
        return super().normalize_text(text)
