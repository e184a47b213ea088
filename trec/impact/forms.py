"""The coordinator dashboard's period picker: a calendar year, a school year, or any
date range (up to five years)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trec.forms import DateField

from .models import ImpactSnapshot
from .periods import MAX_RANGE_DAYS, Period

Kind = ImpactSnapshot.PeriodKind
FIRST_YEAR = 2000


class PeriodForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report for"), choices=Kind.choices, initial=Kind.YEAR)
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        help_text=_("For a school year, the year it starts in July (2025 for 2025–26)."),
    )
    start = DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        this_year = timezone.localdate().year
        if kind in (Kind.YEAR, Kind.SCHOOL_YEAR):
            year = data.get("year")
            if year is None:
                self.add_error(
                    "year", _("Enter a year, for example %(year)s.") % {"year": this_year}
                )
            elif not FIRST_YEAR <= year <= this_year + 1:
                self.add_error(
                    "year",
                    _("Choose a year from %(first)s to %(last)s.")
                    % {"first": FIRST_YEAR, "last": this_year + 1},
                )
            else:
                data["period"] = (
                    Period.year(year) if kind == Kind.YEAR else Period.school_year(year)
                )
        elif kind == Kind.RANGE:
            start, end = data.get("start"), data.get("end")
            if start is None and "start" not in self.errors:
                self.add_error("start", _("Enter the first day."))
            if end is None and "end" not in self.errors:
                self.add_error("end", _("Enter the last day."))
            if start and end:
                if end < start:
                    self.add_error("end", _("The last day must be on or after the first day."))
                elif (end - start).days + 1 > MAX_RANGE_DAYS:
                    self.add_error("end", _("Choose a range of five years or less."))
                elif start < datetime.date(FIRST_YEAR, 1, 1):
                    self.add_error("start", _("Choose a day from 2000 on."))
                else:
                    data["period"] = Period.between(start, end)
        return data

    @classmethod
    def initial_for(cls, period: Period) -> dict:
        initial = {"kind": period.kind}
        if period.kind == Kind.RANGE:
            initial.update(start=period.start, end=period.end)
        else:
            initial["year"] = period.start.year
        return initial
