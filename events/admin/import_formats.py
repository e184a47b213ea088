"""The files the back office's event import reads, as people really save them.

CSV: comma, semicolon or tab between cells (sniffed); UTF-8 with or without a byte
order mark, UTF-16 ("Unicode text" from Excel), Windows-1252 or Latin-1 (detected).
XLSX: the first sheet. Both become a clean tablib dataset before django-import-export
sees it: column names trimmed and lower-cased, every cell trimmed, blank cells "" (never
None), blank lines dropped, short rows padded. A file that cannot be read raises
ImportFileError with a sentence that says what to do.
"""

import csv
import io
import zipfile

import charset_normalizer
import openpyxl
import tablib
from django.utils.translation import gettext as _
from import_export.formats import base_formats

DELIMITERS = ",;\t"
# Encodings tried when a file is not UTF-8: the ones Excel and older tools save in.
LEGACY_ENCODINGS = ["cp1252", "latin_1", "utf_16"]


class ImportFileError(ValueError):
    """The upload cannot be read; str() is the message for the person."""


def decode(data: bytes) -> str:
    """UTF-8 (with or without a BOM) if it is that strictly, else what charset-normalizer
    finds among LEGACY_ENCODINGS, else Windows-1252 (which decodes almost any byte)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    match = charset_normalizer.from_bytes(data, cp_isolation=LEGACY_ENCODINGS).best()
    if match is not None:
        return str(match)
    return data.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    try:
        return csv.Sniffer().sniff(text[:8192], delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = text.splitlines()[0] if text else ""
        return max(DELIMITERS, key=header.count)


def _cell(value):
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else value


def clean_dataset(rows) -> tablib.Dataset:
    """A dataset from rows of cells, the first row naming the columns."""
    rows = [[_cell(value) for value in row] for row in rows]
    rows = [row for row in rows if any(value != "" for value in row)]
    if not rows:
        raise ImportFileError(_("The file is empty: put the column names in its first row."))
    headers = [str(name).lower().replace(" ", "_") for name in rows[0]]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise ImportFileError(_("The first row of the file must name the columns."))
    dataset = tablib.Dataset(headers=headers)
    for number, row in enumerate(rows[1:], start=1):
        extra = [value for value in row[len(headers) :] if value != ""]
        if extra:
            raise ImportFileError(
                _(
                    "Row %(number)d has more cells than there are column names "
                    "(“%(value)s” has no column)."
                )
                % {"number": number, "value": extra[0]}
            )
        dataset.append((row + [""] * len(headers))[: len(headers)])
    if not dataset:
        raise ImportFileError(_("The file names its columns but has no rows under them."))
    return dataset


class ForgivingCSV(base_formats.CSV):
    def is_binary(self):
        return True  # bytes reach create_dataset, which finds the encoding itself

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        text = decode(in_stream) if isinstance(in_stream, bytes) else in_stream
        return clean_dataset(csv.reader(io.StringIO(text), delimiter=_delimiter(text)))


class ForgivingXLSX(base_formats.XLSX):
    def create_dataset(self, in_stream):
        try:
            book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError):
            raise ImportFileError(
                _("This is not an XLSX workbook. Save it from Excel as .xlsx, or choose CSV.")
            ) from None
        try:
            return clean_dataset(book.active.iter_rows(values_only=True))
        finally:
            book.close()
