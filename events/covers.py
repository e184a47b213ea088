"""Event covers: an uploaded picture in a few widths, or one generated from the topic.

Every card and event page shows a cover, never a blank box:

- an uploaded cover (``Event.cover``, checked and re-encoded by ``validate_image``) is
  cropped to 16:9 and written as WebP in a few widths next to the original
  (``cover_renditions_write``); the widths are kept on the event (``cover_renditions``),
  so a card builds its ``srcset`` from the row it already has, without a query;
- without one, the cover is drawn from the event's *theme*: the colours and icon of its
  main topic (``THEMES``, chosen by words in the topic's slug), kept on the event as
  ``cover_theme`` when its topics change (``cover_theme_sync``), so again no query.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

COVER_WIDTHS = (480, 960, 1440)
COVER_RATIO = (16, 9)


@dataclass(frozen=True)
class Theme:
    key: str
    words: tuple[str, ...]  # a slug with a word starting with one of these picks the theme
    icon: str  # SVG path data, 24×24, drawn with a stroke


# Order matters: the first theme with a matching word wins.
THEMES: tuple[Theme, ...] = (
    Theme(
        "early",
        ("early-childhood", "infant", "toddler", "preschool", "pre-k"),
        "M4 20h16M6 20v-6h5v6M13 20v-9h5v9M8 14V9l4-5 4 5",
    ),
    Theme(
        "literacy",
        ("literacy", "reading", "writing", "books"),
        (
            "M3 5.5C5.5 4 8.5 4 12 6c3.5-2 6.5-2 9-.5V19c-2.5-1.5-5.5-1.5-9 .5-3.5-2-6.5-2-9-.5z"
            "M12 6v13.5"
        ),
    ),
    Theme(
        "math",
        ("math", "numeracy", "algebra"),
        "M4 4h16v16H4zM7 8.5h4M9 6.5v4M13.5 8.5h4M7 15.5h4M13.5 14h4M13.5 17h4",
    ),
    Theme(
        "science",
        ("stem", "science", "engineering", "robot"),
        "M9 3h6M10 3v6l-5.5 9.5A1.7 1.7 0 0 0 6 21h12a1.7 1.7 0 0 0 1.5-2.5L14 9V3M7.5 15h9",
    ),
    Theme(
        "technology",
        ("technology", "digital", "computer", "coding", "ai"),
        "M4 5h16v11H4zM2 19h20M10 9l-2 2 2 2M14 9l2 2-2 2",
    ),
    Theme(
        "language",
        ("english-language", "bilingual", "language", "ell", "multilingual"),
        "M4 5h11v8H9l-4 3v-3H4zM15 9h5v8h-1v3l-4-3h-4v-2",
    ),
    Theme(
        "wellbeing",
        ("social-emotional", "sel", "wellness", "resilien", "trauma", "mental"),
        "M12 20s-7.5-4.5-7.5-10A4.3 4.3 0 0 1 12 7.6 4.3 4.3 0 0 1 19.5 10c0 5.5-7.5 10-7.5 10z",
    ),
    Theme(
        "inclusion",
        ("inclusion", "special-education", "disabilit", "equity", "culturally"),
        (
            "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM3.5 9h17M3.5 15h17M12 3c-3 3-3 15 0 18"
            "M12 3c3 3 3 15 0 18"
        ),
    ),
    Theme(
        "community",
        ("family", "community", "parent"),
        (
            "M8 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM16.5 12a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5z"
            "M2.5 20c0-3.5 2.5-6 5.5-6s5.5 2.5 5.5 6"
            "M13 15.5c1-1 2.2-1.5 3.5-1.5 2.8 0 5 2.3 5 6"
        ),
    ),
    Theme(
        "classroom",
        ("classroom", "management", "behavior", "instruction"),
        "M3 4h18v12H3zM7 20l2-4M17 20l-2-4M7 8h6M7 11h9",
    ),
    Theme(
        "leadership",
        ("leadership", "mentor", "coach", "principal", "administrat"),
        "M12 3l2.6 5.5 6 .8-4.4 4.1 1.1 5.9L12 16.5l-5.3 2.8 1.1-5.9L3.4 9.3l6-.8z",
    ),
    Theme(
        "arts",
        ("arts", "music", "theater", "dance", "creativ"),
        (
            "M12 3a9 9 0 0 0 0 18c1.2 0 1.8-.8 1.8-1.7 0-1.2-1-1.6-1-2.6 "
            "0-1 .8-1.7 1.8-1.7H17a4 4 0 0 0 4-4c0-4.4-4-8-9-8z"
            "M7.5 11.5h.01M10 7.5h.01M14.5 7.5h.01"
        ),
    ),
)
DEFAULT_THEME = Theme(
    "general",
    (),
    "M9 18h6M10 21h4M12 3a6 6 0 0 0-3.5 10.9c.6.5 1 1.2 1 2.1h5c0-.9.4-1.6 1-2.1A6 6 0 0 0 12 3z",
)
THEMES_BY_KEY = {theme.key: theme for theme in (*THEMES, DEFAULT_THEME)}


def theme_for_slugs(slugs) -> str:
    """The theme key for an event whose topics have these slugs (in the order given:
    the first topic that names a theme wins); "general" when none does."""
    for slug in slugs:
        padded = f"-{slug}"
        for theme in THEMES:  # a word matches at the start of one of the slug's words
            if any(f"-{word}" in padded for word in theme.words):
                return theme.key
    return DEFAULT_THEME.key


def theme(key: str) -> Theme:
    return THEMES_BY_KEY.get(key, DEFAULT_THEME)


def cover_theme_sync(event) -> None:
    """Keep ``event.cover_theme`` in step with its topics (events.services.event_saved).
    A theme that one of its topics still names stays (the demo and imports pick the
    main topic's); otherwise the first topic by name that names a theme decides."""
    slugs = list(event.topics.order_by("name").values_list("slug", flat=True))
    if event.cover_theme != DEFAULT_THEME.key and any(
        theme_for_slugs([slug]) == event.cover_theme for slug in slugs
    ):
        return
    key = theme_for_slugs(slugs)
    if key != event.cover_theme:
        type(event).objects.filter(pk=event.pk).update(cover_theme=key)
        event.cover_theme = key


# --- Uploaded covers -------------------------------------------------------------------


def rendition_name(source: str, width: int) -> str:
    path = PurePosixPath(source)
    return str(path.with_name(f"{path.stem}-{width}w.webp"))


def cover_renditions_write(event) -> None:
    """Crop the uploaded cover to 16:9 and store it as WebP in each width up to the
    original's, then record the widths on the event. Nothing to do when the renditions
    already belong to the current file; a removed cover clears them."""
    name = event.cover.name if event.cover else ""
    if (event.cover_renditions or {}).get("source", "") == name:
        return
    renditions = {"source": name, "widths": []}
    if name:
        event.cover.open("rb")
        try:
            with Image.open(event.cover) as original:
                original.load()
                picture = ImageOps.exif_transpose(original).convert("RGB")
        finally:
            event.cover.close()
        widths = [w for w in COVER_WIDTHS if w <= picture.width] or [picture.width]
        for width in widths:
            height = round(width * COVER_RATIO[1] / COVER_RATIO[0])
            resized = ImageOps.fit(picture, (width, height), Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            resized.save(buffer, format="WEBP", quality=80, method=4)
            target = rendition_name(name, width)
            if default_storage.exists(target):
                default_storage.delete(target)
            default_storage.save(target, ContentFile(buffer.getvalue()))
        renditions["widths"] = widths
    type(event).objects.filter(pk=event.pk).update(cover_renditions=renditions)
    event.cover_renditions = renditions


@dataclass(frozen=True)
class CoverPicture:
    src: str
    srcset: str
    width: int
    height: int


def cover_picture(event) -> CoverPicture | None:
    """The uploaded cover's <img> attributes, or None (then the theme's cover is drawn)."""
    renditions = event.cover_renditions or {}
    widths = renditions.get("widths") or []
    source = renditions.get("source")
    if not (widths and source and event.cover and event.cover.name == source):
        return None
    urls = [(w, default_storage.url(rendition_name(source, w))) for w in widths]
    largest = widths[-1]
    return CoverPicture(
        src=urls[min(1, len(urls) - 1)][1],
        srcset=", ".join(f"{url} {w}w" for w, url in urls),
        width=largest,
        height=round(largest * COVER_RATIO[1] / COVER_RATIO[0]),
    )
