"""Forms of the events back office: the event and session forms the admin builds on, and
the small forms behind the custom pages (return a listing, cancel an event); the e-mail
to registrants is trec.notifications.staff_messages."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events.models import Event, EventSession, Registration
from events.services import (
    check_capacity,
    check_open_for_registration,
    event_unpublish_audience,
    unique_slug,
)
from trec.accounts.models import User
from trec.forms import DateTimeField


def https_urls(db_field, **kwargs):
    """Form fields for model fields, with Django 6's default scheme for bare URLs (and
    without its deprecation warning)."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class EventAdminForm(forms.ModelForm):
    """The event form: audience roles as checkboxes, and plain-language errors for the
    rules the database also enforces."""

    audience_roles = forms.MultipleChoiceField(
        label=_("Audience roles"),
        choices=User.Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked when the event is for every role."),
    )

    class Meta:
        model = Event
        formfield_callback = https_urls
        fields = [
            "provider",
            "title",
            "slug",
            "summary",
            "description",
            "kind",
            "format",
            "language",
            "grade_bands",
            "audience_roles",
            "topics",
            "registration_mode",
            "external_registration_url",
            "requires_approval",
            "registration_closed",
            "joins_after_start",
            "capacity",
            "cost",
            "payment_method",
            "payment_instructions",
            "payment_instructions_es",
            "pd_hours",
            "venue_name",
            "address",
            "join_url",
            "recording_url",
            "status",
        ]

    # Shown only beside a published listing's status (see EventAdmin.get_fieldsets).
    tell_registrants = forms.BooleanField(
        label=_("Tell the registrants"),
        required=False,
        help_text=_(
            "Needed when you take a published listing off the catalog: everyone registered "
            "or waiting is e-mailed."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            # Filled in from the title by the page's script; without it, made on save.
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _("Leave blank to make one from the title.")

    def _post_clean(self):
        # The status field asks for a move that services.event_save makes once the
        # sessions are saved too (publishing, review, registrants told): until then the
        # listing keeps the status it has. Without the field (provider staff), it stays.
        current = self.instance.status
        super()._post_clean()
        self.requested_status = self.instance.status
        self.instance.status = current

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        if "capacity" in self.changed_data:
            check_capacity(event=self.instance, capacity=capacity)
        return capacity

    def clean(self):
        cleaned = super().clean()
        if "slug" in self.fields and not cleaned.get("slug") and cleaned.get("title"):
            cleaned["slug"] = unique_slug(cleaned["title"])
        self._confirm_unpublish(cleaned)
        mode = cleaned.get("registration_mode")
        if mode == Event.RegistrationMode.EXTERNAL and not cleaned.get("external_registration_url"):
            self.add_error(
                "external_registration_url",
                _("Add the address of the page where educators register."),
            )
        return cleaned

    def _confirm_unpublish(self, cleaned) -> None:
        """Taking a published listing off the catalog e-mails its registrants (as a
        return or a cancellation does): the coordinator sees how many and confirms."""
        status = cleaned.get("status")
        if "status" not in self.changed_data or not self.instance.pk or not status:
            return
        told = event_unpublish_audience(event=self.instance, status=status)
        if told and not cleaned.get("tell_registrants"):
            self.add_error(
                "status",
                ngettext(
                    "%(count)d person is registered or waiting: taking the listing off the "
                    "catalog e-mails them. Tick “Tell the registrants” to confirm.",
                    "%(count)d people are registered or waiting: taking the listing off the "
                    "catalog e-mails each of them. Tick “Tell the registrants” to confirm.",
                    told,
                )
                % {"count": told},
            )


class LocalDateTimeInput(forms.DateTimeInput):
    """The browser's own date-and-time picker: one labelled input, keyboard-friendly."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class EventSessionInlineForm(forms.ModelForm):
    starts_at = DateTimeField(
        label=_("Starts"), widget=LocalDateTimeInput(), help_text=_("Arizona time.")
    )
    ends_at = DateTimeField(
        label=_("Ends"), widget=LocalDateTimeInput(), help_text=_("Arizona time.")
    )

    class Meta:
        model = EventSession
        fields = ["title", "starts_at", "ends_at", "location"]

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("A session must end after it starts."))
        return cleaned


class ReturnForm(forms.Form):
    """What a coordinator asks the provider to change before a listing is published."""

    comment = forms.CharField(
        label=_("What should the provider change?"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        max_length=4000,
        help_text=_("E-mailed to the provider and shown on the listing until they resubmit."),
    )

    def clean_comment(self):
        comment = self.cleaned_data["comment"].strip()
        if not comment:
            raise forms.ValidationError(_("Say what the provider should change."))
        return comment


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        required=False,
        max_length=2000,
        help_text=_("Included in the e-mail every registrant receives."),
    )


class RegistrationAddForm(forms.ModelForm):
    """A coordinator registers someone (a walk-in, a phone call) through the same rules
    as the catalog: seats, waiting list and approval decide the status."""

    class Meta:
        model = Registration
        fields = ["user", "event"]

    def clean(self):
        cleaned = super().clean()
        event = cleaned.get("event")
        if event is not None:
            try:
                check_open_for_registration(event)
            except ValidationError as error:
                self.add_error("event", error.messages)
        return cleaned

    def validate_unique(self):
        """Registering someone already registered is a no-op in the service, and a
        cancelled registration is reused: no uniqueness error here."""
