"""Upload checks shared by every app: real image type, a size cap, and re-encoding.

``validate_image`` is the validator on every image field (provider logos, gratitude
pictures). Besides judging the file by its content, it re-encodes an accepted upload
in place before it is stored: Pillow decodes the pixels and writes a fresh file of the
same format, so EXIF (GPS position, camera serial), comments, text chunks and anything
smuggled after the image data (polyglot files) never reach the media folder. SVG is
refused: it is a document that can carry scripts, not a picture.
"""

import contextlib
import io

from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_IMAGE_BYTES = 2 * 1024 * 1024
# A small file can still decode to a huge bitmap (a "decompression bomb").
MAX_IMAGE_PIXELS = 40_000_000


def _looks_like_markup(file) -> bool:
    head = file.read(512)
    file.seek(0)
    if isinstance(head, str):
        head = head.encode()
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith(b"<")


def validate_image(file) -> None:
    """Accept JPEG, PNG, WebP or GIF images up to 2 MB, judged by content, not by name;
    refuse SVG; re-encode what is accepted (see the module docstring)."""
    if getattr(file, "_committed", False):
        return  # already stored: it was checked (and re-encoded) when it was uploaded
    if file.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("The image is %(size)s MB; the limit is 2 MB."),
            params={"size": f"{file.size / 1024 / 1024:.1f}"},
            code="too_large",
        )
    file.seek(0)
    if _looks_like_markup(file):
        raise ValidationError(
            _(
                "SVG and other markup files are not accepted: please upload a JPEG, PNG, "
                "WebP or GIF image."
            ),
            code="invalid_type",
        )
    try:
        with Image.open(file) as image:
            kind = image.format
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationError(
                    _("The image is too large in pixels; please make it smaller."),
                    code="too_many_pixels",
                )
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("This file is not an image we can read."), code="invalid") from exc
    finally:
        file.seek(0)
    if kind not in IMAGE_FORMATS:
        raise ValidationError(
            _("Please upload a JPEG, PNG, WebP or GIF image."), code="invalid_type"
        )
    try:
        data = reencoded(file, kind)
    except (OSError, ValueError, SyntaxError) as exc:
        raise ValidationError(_("This file is not an image we can read."), code="invalid") from exc
    _replace_content(file, data)


def reencoded(file, kind: str) -> bytes:
    """The image's pixels written afresh in the same format: upright (EXIF orientation
    applied), without metadata; an animated GIF or WebP keeps its first frame."""
    file.seek(0)
    with Image.open(file) as original:
        original.load()
        image = ImageOps.exif_transpose(original)
    transparency = image.info.get("transparency")
    image.info = {} if transparency is None else {"transparency": transparency}
    buffer = io.BytesIO()
    if kind == "JPEG":
        image.convert("RGB").save(buffer, format="JPEG", quality=90, optimize=True)
    elif kind == "PNG":
        image.save(buffer, format="PNG", optimize=True)
    elif kind == "WEBP":
        image.save(buffer, format="WEBP", quality=90)
    else:
        image.save(buffer, format="GIF")
    return buffer.getvalue()


def _replace_content(file, data: bytes) -> None:
    """Put `data` in place of an upload that is not stored yet. `file` is what a
    validator receives: the model's FieldFile around an UploadedFile, or the
    UploadedFile itself (form fields)."""
    upload = file.file if isinstance(file, FieldFile) else file
    raw = getattr(upload, "file", upload)
    raw.seek(0)
    raw.truncate()
    raw.write(data)
    raw.seek(0)
    with contextlib.suppress(AttributeError):  # a plain File computes its size itself
        upload.size = len(data)
