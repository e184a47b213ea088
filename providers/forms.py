"""The on-site request form (public) and the queue's decision forms (back office)."""

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trec import spam
from trec.accounts.models import District
from trec.forms import DateField
from trec.i18n import localized

from .models import Offering, OfferingDuration, SessionRequest

PREFERRED_DATE_SLOTS = 3
MAX_DAYS_AHEAD = 365
MAX_AUDIENCE = 500
PHONE = re.compile(r"^[0-9+().\-\s]*(?:ext\.?\s*\d+)?$", re.I)


def _date_field(number: int) -> forms.DateField:
    return DateField(
        label=_("Preferred date %(number)s") % {"number": number},
        required=number == 1,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The first choice is required; two more are welcome.") if number == 1 else "",
        error_messages={
            "required": _("Please give at least one date that suits your school."),
            "invalid": _("Enter a date like 2027-03-18."),
        },
    )


def _time_field(number: int) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Time of day for date %(number)s") % {"number": number},
        choices=SessionRequest.TimeOfDay.choices,
        initial=SessionRequest.TimeOfDay.ANY,
        required=False,
    )


class SessionRequestForm(forms.Form):
    """A school's request for one of a provider's offerings. Strict and friendly: each
    error sits next to its field and everything typed is kept. The honeypot and the
    "shown at" stamp are read from the raw data (they are not fields); `spam_verdict`
    says why a request is dropped silently."""

    offering = forms.ModelChoiceField(
        queryset=Offering.objects.none(),
        label=_("What would you like?"),
        empty_label=_("Choose an offering"),
        error_messages={
            "required": _("Please choose what you would like."),
            "invalid_choice": _("That offering is not taking requests: please choose one listed."),
        },
    )
    duration = forms.ChoiceField(
        label=_("Length"),
        help_text=_("Choose one of the lengths listed under your offering."),
        error_messages={
            "required": _("Please choose a length."),
            "invalid_choice": _("Please choose one of the lengths listed."),
        },
    )
    school_name = forms.CharField(
        label=_("School"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        error_messages={"required": _("Please tell us which school this is for.")},
    )
    district = forms.ModelChoiceField(
        queryset=District.objects.order_by("name"),
        required=False,
        label=_("District or school system"),
        empty_label=_("Choose one (optional)"),
    )
    contact_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Please give your name so the provider knows who to ask.")},
    )
    contact_email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("We send the updates on your request here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Please give an e-mail address: it is how we tell you the date."),
            "invalid": _("Enter an e-mail address like name@school.org."),
        },
    )
    contact_phone = forms.CharField(
        label=_("Your phone (optional)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    audience_size = forms.IntegerField(
        label=_("How many people will attend?"),
        min_value=1,
        max_value=MAX_AUDIENCE,
        help_text=_("An estimate is fine (1 to %(max)s).") % {"max": MAX_AUDIENCE},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Please estimate how many people will attend."),
            "invalid": _("Enter a whole number, like 25."),
            "min_value": _("At least one person needs to attend."),
            "max_value": _(
                "For more than %(limit_value)s people, please send one request per group."
            ),
        },
    )
    notes = forms.CharField(
        label=_("Anything else the provider should know? (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        help_text=_("Your goals, the room, parking, who will attend…"),
    )

    def __init__(self, *args, provider, **kwargs):
        super().__init__(*args, **kwargs)
        self.provider = provider
        self.spam_verdict = ""
        self.stamp_token = ""
        offerings = list(
            Offering.objects.active()
            .filter(provider=provider)
            .prefetch_related("durations")
            .order_by("position", "title")
        )
        self.offerings = offerings
        self.fields["offering"].queryset = Offering.objects.active().filter(provider=provider)
        self.fields["offering"].choices = [("", _("Choose an offering"))] + [
            (offering.pk, localized(offering, "title")) for offering in offerings
        ]
        self.fields["duration"].choices = [("", _("Choose a length"))] + [
            (
                localized(offering, "title"),
                [(d.pk, localized(d, "label")) for d in offering.durations.all()],
            )
            for offering in offerings
        ]
        chosen = self.initial.pop("offering_slug", None)
        for offering in offerings:
            if offering.slug == chosen or len(offerings) == 1:
                self.initial["offering"] = offering.pk
                durations = list(offering.durations.all())
                if len(durations) == 1:
                    self.initial["duration"] = durations[0].pk
        for number in range(1, PREFERRED_DATE_SLOTS + 1):
            self.fields[f"date_{number}"] = _date_field(number)
            self.fields[f"time_{number}"] = _time_field(number)
        # Dates sit together after the audience; notes last.
        self.order_fields(
            ["offering", "duration", "school_name", "district", "contact_name"]
            + ["contact_email", "contact_phone", "audience_size"]
            + [
                f"{kind}_{n}"
                for n in range(1, PREFERRED_DATE_SLOTS + 1)
                for kind in ("date", "time")
            ]
            + ["notes"]
        )
        if self.is_bound and self.data.get(spam.HONEYPOT_FIELD):
            self.spam_verdict = "honeypot"

    def clean_contact_phone(self):
        phone = self.cleaned_data["contact_phone"].strip()
        digits = re.sub(r"\D", "", phone)
        if phone and (not PHONE.match(phone) or not 7 <= len(digits) <= 15):
            raise forms.ValidationError(
                _("Enter a phone number like (520) 555-0143, or leave it empty.")
            )
        return phone

    def clean_duration(self):
        value = self.cleaned_data["duration"]
        duration = (
            OfferingDuration.objects.filter(pk=value, offering__in=self.offerings).first()
            if str(value).isdigit()
            else None
        )
        if duration is None:
            raise forms.ValidationError(_("Please choose one of the lengths listed."))
        return duration

    def clean(self):
        cleaned = super().clean()
        offering, duration = cleaned.get("offering"), cleaned.get("duration")
        if offering and duration and duration.offering_id != offering.pk:
            self.add_error(
                "duration",
                _("%(offering)s comes in these lengths: %(lengths)s.")
                % {
                    "offering": localized(offering, "title"),
                    "lengths": ", ".join(
                        localized(d, "label")
                        for o in self.offerings
                        if o.pk == offering.pk
                        for d in o.durations.all()
                    ),
                },
            )
        self._clean_dates(cleaned)
        stamp = spam.read_stamp(self.data.get(spam.STAMP_FIELD, ""))
        if stamp is None or not stamp.token:
            raise forms.ValidationError(
                _("This form was open for too long. Please check your request and send it again."),
                code="stale",
            )
        self.stamp_token = stamp.token
        if stamp.elapsed < spam.MIN_FILL_SECONDS and not self.spam_verdict and not self.errors:
            # A complete request sent faster than a person types is a bot; an incomplete
            # one (a quick click on "Send") just gets its errors.
            self.spam_verdict = "too fast"
        return cleaned

    def _clean_dates(self, cleaned) -> None:
        today = timezone.localdate()
        last = today + datetime.timedelta(days=MAX_DAYS_AHEAD)
        seen = set()
        slots = []
        for number in range(1, PREFERRED_DATE_SLOTS + 1):
            field = f"date_{number}"
            day = cleaned.get(field)
            time_of_day = cleaned.get(f"time_{number}") or SessionRequest.TimeOfDay.ANY
            if day is None:
                continue
            if day <= today:
                self.add_error(field, _("Choose a date after today."))
            elif day > last:
                self.add_error(field, _("Choose a date within the next year."))
            elif (day, time_of_day) in seen:
                self.add_error(
                    field, _("You gave this date already; choose another or leave it empty.")
                )
            else:
                seen.add((day, time_of_day))
                slots.append((day, time_of_day))
        cleaned["preferred_dates"] = slots

    def service_kwargs(self) -> dict:
        """The cleaned data as request_submit's keyword arguments."""
        data = self.cleaned_data
        return {
            "offering": data["offering"],
            "duration": data["duration"],
            "school_name": data["school_name"],
            "district": data.get("district"),
            "contact_name": data["contact_name"],
            "contact_email": data["contact_email"],
            "contact_phone": data.get("contact_phone", ""),
            "audience_size": data["audience_size"],
            "preferred_dates": data["preferred_dates"],
            "notes": data.get("notes", ""),
            "form_token": self.stamp_token,
        }


# --- The queue (admin) ------------------------------------------------------------------


class ScheduleForm(forms.Form):
    date = DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start_time = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    minutes = forms.IntegerField(label=_("Length in minutes"), min_value=5, max_value=8 * 60)
    note = forms.CharField(
        label=_("Note for the school (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        cleaned = super().clean()
        day, start = cleaned.get("date"), cleaned.get("start_time")
        if day and start:
            starts_at = timezone.make_aware(datetime.datetime.combine(day, start))
            if starts_at <= timezone.now():
                self.add_error("date", _("Choose a date and time in the future."))
            cleaned["starts_at"] = starts_at
        return cleaned


class CompleteForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the school (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the school reads it)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please give the school a reason.")},
    )
