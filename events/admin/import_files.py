"""Where the back office's event import keeps an uploaded file between the dry run and
"Confirm import", and how the confirmation finds it again.

The file goes to a directory of its own under a random name; the confirm form carries
that name signed for the person who uploaded it (and for a day), never a name the
browser may choose. A forged, stale, foreign or already-used name is refused before
any file is opened, so a confirmation can only ever read and delete its own upload.
"""

import re
import tempfile
import time
import uuid
from pathlib import Path

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _
from import_export.forms import ConfirmImportForm
from import_export.tmp_storages import TempFolderStorage

UPLOAD_DIR = Path(tempfile.gettempdir()) / "trec-event-imports"
MAX_AGE_SECONDS = 60 * 60 * 24
_NAME = re.compile(r"[0-9a-f]{32}")


def _signer(user) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"events.import-upload.{user.pk}")


def sign_upload_name(name: str, *, user) -> str:
    return _signer(user).sign(name)


def upload_name_from_token(token: str, *, user) -> str | None:
    """The upload's file name if `token` was signed for `user` and the file is still
    there; None otherwise."""
    try:
        name = _signer(user).unsign(token, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if not _NAME.fullmatch(name) or not (UPLOAD_DIR / name).is_file():
        return None
    return name


class ImportUploadStorage(TempFolderStorage):
    """django-import-export's temporary file, in UPLOAD_DIR under a random name.
    Saving a new upload also sweeps uploads nobody confirmed within a day."""

    def get_full_path(self):
        if not _NAME.fullmatch(self.name or ""):
            raise ValueError("not an import upload name")  # the form let nothing else by
        return str(UPLOAD_DIR / self.name)

    def _open(self, mode="r"):
        if self.name:
            return open(self.get_full_path(), mode, encoding=self.encoding)  # noqa: PTH123
        UPLOAD_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._sweep()
        self.name = uuid.uuid4().hex
        return open(self.get_full_path(), "xb")  # noqa: PTH123 - a new file, bytes

    @staticmethod
    def _sweep() -> None:
        stale = time.time() - MAX_AGE_SECONDS
        for path in UPLOAD_DIR.iterdir():
            try:
                if path.stat().st_mtime < stale:
                    path.unlink()
            except FileNotFoundError:
                pass  # swept or imported meanwhile


class EventImportConfirmForm(ConfirmImportForm):
    """The confirm step: `import_file_name` is the signed token, cleaned to the file name;
    `format` and `resource` must be indexes of the admin's formats and resources."""

    def __init__(self, *args, user, format_count: int, resource_count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.format_count = format_count
        self.resource_count = resource_count

    @staticmethod
    def _index(value: str, count: int) -> str:
        if value not in {str(i) for i in range(count)}:
            raise forms.ValidationError(_("Upload the file again."))
        return value

    def clean_format(self):
        return self._index(self.cleaned_data["format"], self.format_count)

    def clean_resource(self):
        return self._index(self.cleaned_data.get("resource") or "0", self.resource_count)

    def clean_import_file_name(self):
        name = upload_name_from_token(self.cleaned_data["import_file_name"], user=self.user)
        if name is None:
            raise forms.ValidationError(
                _(
                    "This upload is no longer available: it was imported already, it is "
                    "more than a day old or it is not yours. Upload the file again."
                )
            )
        return name
