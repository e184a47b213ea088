from django import forms
from django.utils.translation import gettext_lazy as _

from trec.forms import DateTimeField

from .models import Meeting


class ApplicationForm(forms.Form):
    """One required answer per application question of the community."""

    def __init__(self, *args, questions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        for index, question in enumerate(questions):
            self.fields[f"answer_{index}"] = forms.CharField(
                label=question,
                max_length=3000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
        self.questions = questions

    def answers(self) -> list[str]:
        return [self.cleaned_data[f"answer_{i}"] for i in range(len(self.questions))]


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown: **bold**, *italic*, lists and links."),
    )


class ThreadForm(PostForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    field_order = ["title", "body"]


class MeetingForm(forms.ModelForm):
    """A facilitator schedules a meeting: date and time in the hub's time zone."""

    join_url = forms.URLField(
        label=_("Virtual join link"), required=False, assume_scheme="https", max_length=200
    )

    class Meta:
        model = Meeting
        fields = [
            "title",
            "starts_at",
            "duration_minutes",
            "format",
            "location",
            "join_url",
            "agenda",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "duration_minutes": forms.NumberInput(attrs={"min": 15, "max": 480, "step": 15}),
            "agenda": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {"starts_at": _("Arizona time.")}
        field_classes = {"starts_at": DateTimeField}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("format") == "virtual" and not cleaned.get("join_url"):
            self.add_error("join_url", _("A virtual meeting needs a join link."))
        if cleaned.get("format") == "in_person" and not cleaned.get("location"):
            self.add_error("location", _("Say where the group meets."))
        return cleaned
