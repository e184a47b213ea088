from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _


class HubFormRenderer(TemplatesSetting):
    """Every form renders through the hub's accessible templates.

    Django already ties errors and help text to their inputs with
    ``aria-describedby`` and marks invalid inputs with ``aria-invalid``; these
    templates add the hub's layout and a summary of errors at the top.
    """

    form_template_name = "partials/_form.html"
    field_template_name = "partials/_field.html"


# Dates the hub can compute with: a day later, a time zone away, a year boundary.
# Python's dates end in the year 9999 (9999-12-31 plus one day is an OverflowError) and
# nobody plans professional learning in the year 1 or 3000.
FIRST_YEAR = 1900
LAST_YEAR = 2200


OUT_OF_RANGE = _("Enter a date between the years %(first)s and %(last)s.")


def check_year(day) -> None:
    """Refuse a date (or date and time) outside the years the hub computes with."""
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(
            OUT_OF_RANGE, code="out_of_range", params={"first": FIRST_YEAR, "last": LAST_YEAR}
        )


class DateField(forms.DateField):
    """A date between the years 1900 and 2200; anything else is a form error."""

    def validate(self, value):
        super().validate(value)
        check_year(value)


class DateTimeField(forms.DateTimeField):
    """A date and time between the years 1900 and 2200; anything else is a form error."""

    def validate(self, value):
        super().validate(value)
        check_year(value)


def parse_id(value) -> int | None:
    """A database id typed into a URL or a form, or None: plain ASCII digits only (not
    "²" or "١", which str.isdigit() accepts and int() may refuse), at most 18 of them
    (every id fits a 64-bit integer; Python refuses to parse more than 4,300 digits)."""
    text = str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)
