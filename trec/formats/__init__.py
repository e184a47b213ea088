"""Dates as each language writes them, from the Unicode CLDR data (Babel): one helper,
`date_phrase`, for pages ({{ value|date_phrase:"weekday_date" }}), e-mail subjects and
bodies, calendar files and PDFs.

    style                    English                       Spanish
    date                     January 28, 2027              28 de enero de 2027
    weekday_date             Thursday, January 28, 2027    jueves, 28 de enero de 2027
    short_date               Jan 28, 2027                  28 ene 2027
    short_weekday_date       Thu, Jan 28, 2027             jue, 28 ene 2027
    month_day                January 28                    28 de enero
    short_month_day          Jan 28                        28 ene
    short_weekday_month_day  Thu, Jan 28                   jue, 28 ene
    month_year               January 2027                  enero de 2027
    short_month              Jan                           ene
    day                      28                            28
    short_weekday            Thu                           jue
    time                     4:00 PM                       4:00 p. m.

A date style followed by "_time" adds the time the way the language joins them:
"weekday_date_time" is "Thursday, January 28, 2027, 4:00 PM" and "jueves, 28 de enero
de 2027, 4:00 p. m.". The hub tells time on a 12-hour clock in both languages, as US
schools do (see es/formats.py)."""

import datetime
import functools
from decimal import Decimal

from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format
from django.utils import timezone, translation
from django.utils.formats import number_format

# A CLDR standard date length, or ("skeleton", key) for CLDR's "available formats".
STYLES = {
    "date": "long",
    "weekday_date": "full",
    "short_date": "medium",
    "short_weekday_date": ("skeleton", "yMMMEd"),
    "month_day": ("skeleton", "MMMMd"),
    "short_month_day": ("skeleton", "MMMd"),
    "short_weekday_month_day": ("skeleton", "MMMEd"),
    "month_year": ("skeleton", "yMMMM"),
    # The date tile on event cards: "Dec" / "dic", "9", "Wed" / "mié".
    "short_month": ("skeleton", "MMM"),
    "day": ("skeleton", "d"),
    "short_weekday": ("skeleton", "E"),
    "short_month_year": ("skeleton", "yMMM"),
}
TIME_SKELETON = "hm"  # 12-hour clock with the day period
TIME_SUFFIX = "_time"


def _locale(language: str | None) -> Locale:
    return _parse((language or translation.get_language() or "en").split("-")[0])


@functools.cache
def _parse(code: str) -> Locale:
    return Locale.parse(code)


def _pattern(style, locale: Locale) -> str:
    if isinstance(style, tuple):
        return locale.datetime_skeletons[style[1]].pattern
    return style


def _clean(text: str) -> str:
    # CLDR puts narrow no-break spaces before "PM" and inside "p. m."; plain spaces read
    # the same, in e-mail subjects and PDFs too.
    return text.replace("\u202f", " ")


def date_phrase(value, style: str = "date", *, language: str | None = None) -> str:
    """`value` (a date, or a datetime shown in the hub's time zone) as the given (or
    active) language writes it; "" for None. Unknown styles raise KeyError."""
    if value in (None, ""):
        return ""
    locale = _locale(language)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)
    with_time = style == "time" or style.endswith(TIME_SUFFIX)
    date_style = style.removesuffix(TIME_SUFFIX) if style != "time" else None
    time_text = ""
    if with_time:
        time_pattern = locale.datetime_skeletons[TIME_SKELETON].pattern
        time_text = format_time(value, time_pattern, locale=locale)
        if date_style is None:
            return _clean(time_text)
    date_text = format_date(value, _pattern(STYLES[date_style], locale), locale=locale)
    if not with_time:
        return _clean(date_text)
    glue = get_datetime_format("medium", locale=locale)
    return _clean(glue.replace("{1}", date_text).replace("{0}", time_text))


def quantity_text(value) -> str:
    """A quantity such as PD hours as the reader's language writes it, without trailing
    zeros (separators from the language's number formats): 3.00 -> "3", 2.50 -> "2.5"."""
    number = Decimal(str(value or 0))
    number = (
        number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()
    )
    return number_format(number, use_l10n=True)
