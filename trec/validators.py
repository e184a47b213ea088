"""Upload checks shared by every app: real image type and a size cap."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_IMAGE_BYTES = 2 * 1024 * 1024


def validate_image(file) -> None:
    """Accept JPEG, PNG, WebP or GIF images up to 2 MB, judged by content, not by name."""
    from PIL import Image, UnidentifiedImageError

    if getattr(file, "_committed", False):
        return  # already stored: it was checked when it was uploaded
    if file.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("The image is %(size)s MB; the limit is 2 MB."),
            params={"size": f"{file.size / 1024 / 1024:.1f}"},
            code="too_large",
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        with Image.open(file) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValidationError(_("This file is not an image we can read."), code="invalid") from exc
    finally:
        file.seek(position)
    if kind not in IMAGE_FORMATS:
        raise ValidationError(
            _("Please upload a JPEG, PNG, WebP or GIF image."), code="invalid_type"
        )
