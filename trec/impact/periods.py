"""Reporting periods: a calendar year, a school year (July to June) or any date range.

A period is a pair of dates, both inclusive; queries use the half-open range of aware
datetimes from the first day's midnight to the midnight after the last day, in the
hub's time zone, so an index on a timestamp column is used as is.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ImpactSnapshot

Kind = ImpactSnapshot.PeriodKind
SLUG_PATTERN = r"(?P<slug>\d{4}|\d{4}-\d{2}|\d{4}-\d{2}-\d{2}--\d{4}-\d{2}-\d{2})"
MAX_RANGE_DAYS = 366 * 5


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date  # inclusive

    # --- Building ---------------------------------------------------------------------

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(Kind.YEAR, datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def school_year(cls, first_year: int) -> "Period":
        """The school year that starts in July of `first_year`."""
        return cls(
            Kind.SCHOOL_YEAR, datetime.date(first_year, 7, 1), datetime.date(first_year + 1, 6, 30)
        )

    @classmethod
    def between(cls, start: datetime.date, end: datetime.date) -> "Period":
        if end < start:
            raise ValueError("a period ends on or after its start")
        return cls(Kind.RANGE, start, end)

    @classmethod
    def school_year_of(cls, day: datetime.date) -> "Period":
        return cls.school_year(day.year if day.month >= 7 else day.year - 1)

    @classmethod
    def of_snapshot(cls, snapshot: ImpactSnapshot) -> "Period":
        return cls(snapshot.period_kind, snapshot.period_start, snapshot.period_end)

    @classmethod
    def from_slug(cls, slug: str) -> "Period":
        """ "2025" a year, "2025-26" a school year, "2025-01-01--2025-03-31" a range."""
        if re.fullmatch(r"\d{4}", slug):
            return cls.year(int(slug))
        if match := re.fullmatch(r"(\d{4})-(\d{2})", slug):
            first = int(match[1])
            if (first + 1) % 100 != int(match[2]):
                raise ValueError(slug)
            return cls.school_year(first)
        if match := re.fullmatch(r"(\d{4}-\d{2}-\d{2})--(\d{4}-\d{2}-\d{2})", slug):
            return cls.between(
                datetime.date.fromisoformat(match[1]), datetime.date.fromisoformat(match[2])
            )
        raise ValueError(slug)

    # --- Reading ----------------------------------------------------------------------

    @property
    def slug(self) -> str:
        if self.kind == Kind.YEAR:
            return str(self.start.year)
        if self.kind == Kind.SCHOOL_YEAR:
            return f"{self.start.year}-{(self.start.year + 1) % 100:02d}"
        return f"{self.start.isoformat()}--{self.end.isoformat()}"

    @property
    def label(self) -> str:
        if self.kind == Kind.YEAR:
            return str(self.start.year)
        if self.kind == Kind.SCHOOL_YEAR:
            return f"{self.start.year}–{(self.start.year + 1) % 100:02d}"
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    @property
    def description(self) -> str:
        if self.kind == Kind.YEAR:
            return _("calendar year %(label)s") % {"label": self.label}
        if self.kind == Kind.SCHOOL_YEAR:
            return _("school year %(label)s (July to June)") % {"label": self.label}
        return _("%(start)s to %(end)s") % {"start": self.start, "end": self.end}

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[start, end) as aware datetimes."""
        return _midnight(self.start), _midnight(self.end + datetime.timedelta(days=1))

    def previous(self) -> "Period":
        if self.kind == Kind.YEAR:
            return Period.year(self.start.year - 1)
        if self.kind == Kind.SCHOOL_YEAR:
            return Period.school_year(self.start.year - 1)
        length = datetime.timedelta(days=self.days)
        return Period.between(self.start - length, self.end - length)

    def months(self) -> list[datetime.date]:
        """The first day of every month the period touches."""
        months, day = [], self.start.replace(day=1)
        while day <= self.end:
            months.append(day)
            day = (day + datetime.timedelta(days=32)).replace(day=1)
        return months
