"""Forms of calls for proposals. Each form only parses and checks what was typed; the
services decide (deadline, who may change what, taken rooms)."""

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from surveys.models import Question
from trec.accounts.models import GradeBand
from trec.formats import date_phrase
from trec.i18n import localized
from trec.validators import validate_image

from .models import Call, Proposal, Room, Slot

MAX_CO_PRESENTERS = 5
PHOTO_HELP = _("JPEG, PNG, WebP or GIF, up to 2 MB. We re-encode it and remove its metadata.")
SCORE_CHOICES = [(value, str(value)) for value in range(1, 6)]


class LocalizedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return localized(obj, "name")


class LocalizedMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return localized(obj, "name")


class PresenterForm(forms.Form):
    """A presenter's bio and photo: the lead's on the proposal, a co-presenter's when
    they confirm."""

    bio = forms.CharField(
        label=_("Your bio"),
        max_length=1200,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Two or three sentences about you, shown with the session if accepted."),
    )
    photo = forms.ImageField(
        label=_("Your photo (optional)"),
        required=False,
        validators=[validate_image],
        help_text=PHOTO_HELP,
    )


class ProposalForm(PresenterForm, forms.ModelForm):
    """The proposal, the lead presenter's bio and photo, co-presenters by e-mail and the
    call's own questions (fields ``q<id>``)."""

    co_presenters = forms.CharField(
        label=_("Co-presenters' e-mail addresses (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line. Each is invited to confirm and add their own bio and photo."),
    )

    class Meta:
        model = Proposal
        fields = ["title", "abstract", "session_format", "grade_bands", "topics"]
        widgets = {
            "abstract": forms.Textarea(attrs={"rows": 8}),
            "grade_bands": forms.CheckboxSelectMultiple,
            "topics": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, call: Call, lead=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        self.fields["session_format"] = LocalizedChoiceField(
            queryset=call.formats.all(), label=_("Format"), empty_label=None
        )
        self.fields["session_format"].label_from_instance = lambda f: (
            _("%(name)s (%(minutes)s minutes)")
            % {"name": localized(f, "name"), "minutes": f.minutes}
        )
        bands = call.grade_bands.all()
        self.fields["grade_bands"] = forms.ModelMultipleChoiceField(
            queryset=bands if bands.exists() else GradeBand.objects.all(),
            widget=forms.CheckboxSelectMultiple,
            label=_("Audience grade bands"),
        )
        self.fields["topics"] = LocalizedMultipleChoiceField(
            queryset=call.topics.all(),
            widget=forms.CheckboxSelectMultiple,
            required=False,
            label=_("Topics or tracks"),
        )
        if not call.topics.exists():
            del self.fields["topics"]
        if lead is not None:
            self.fields["bio"].initial = lead.bio
        if self.instance.pk:
            others = self.instance.presenters.filter(is_lead=False).order_by("pk")
            self.fields["co_presenters"].initial = "\n".join(p.email for p in others)
        self.questions = list(call.questions.all())
        for question in self.questions:
            name = f"q{question.pk}"
            label = localized(question, "text")
            if question.kind == Question.Kind.NUMBER:
                field = forms.IntegerField(label=label, required=question.required)
            elif question.kind == Question.Kind.LONG_TEXT:
                field = forms.CharField(
                    label=label,
                    required=question.required,
                    max_length=3000,
                    widget=forms.Textarea(attrs={"rows": 4}),
                )
            else:
                field = forms.CharField(label=label, required=question.required, max_length=300)
            field.initial = (
                self.instance.answers.get(str(question.pk)) if self.instance.pk else None
            )
            self.fields[name] = field

    def clean_co_presenters(self):
        emails = []
        for line in self.cleaned_data["co_presenters"].replace(",", "\n").splitlines():
            email = line.strip().lower()
            if not email:
                continue
            try:
                validate_email(email)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("“%(email)s” is not an e-mail address."), params={"email": email}
                ) from None
            if email not in emails:
                emails.append(email)
        if len(emails) > MAX_CO_PRESENTERS:
            raise forms.ValidationError(
                ngettext(
                    "Invite at most %(count)d co-presenter.",
                    "Invite at most %(count)d co-presenters.",
                    MAX_CO_PRESENTERS,
                )
                % {"count": MAX_CO_PRESENTERS}
            )
        return emails

    def answers(self) -> dict:
        return {
            str(question.pk): self.cleaned_data.get(f"q{question.pk}")
            for question in self.questions
            if self.cleaned_data.get(f"q{question.pk}") not in (None, "")
        }

    def question_fields(self):
        return [self[f"q{question.pk}"] for question in self.questions]


class ReviewForm(forms.Form):
    """One 1–5 score per criterion of the call (``c<id>``) and a comment."""

    comment = forms.CharField(
        label=_("Comment for the committee (optional)"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, criteria, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        scores = review.scores if review else {}
        for criterion in self.criteria:
            help_text = localized(criterion, "help_text")
            self.fields[f"c{criterion.pk}"] = forms.TypedChoiceField(
                label=localized(criterion, "name"),
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                help_text=help_text,
                initial=scores.get(str(criterion.pk)),
            )
        self.order_fields([f"c{c.pk}" for c in self.criteria] + ["comment"])
        if review:
            self.fields["comment"].initial = review.comment

    def scores(self) -> dict[int, int]:
        return {criterion.pk: self.cleaned_data[f"c{criterion.pk}"] for criterion in self.criteria}


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (optional, seen by coordinators only)"),
        required=False,
        max_length=300,
        help_text=_("For example: same district or provider as a presenter."),
    )


class DecideForm(forms.Form):
    DECISIONS = [
        (Proposal.Status.ACCEPTED, _("Accept")),
        (Proposal.Status.WAITLISTED, _("Wait-list")),
        (Proposal.Status.DECLINED, _("Decline")),
    ]

    proposals = forms.TypedMultipleChoiceField(
        label=_("Proposals"),
        coerce=int,
        error_messages={"required": _("Tick at least one proposal.")},
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)
    message = forms.CharField(
        label=_("Message to the presenters (English, optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    message_es = forms.CharField(
        label=_("Message to the presenters (Spanish, optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Presenters who read the hub in Spanish get this one when it is filled in."),
    )

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].choices = [(p.pk, p.title) for p in proposals]


class ScheduleForm(forms.Form):
    slot = forms.ModelChoiceField(queryset=Slot.objects.none(), label=_("Time slot"))
    room = forms.ModelChoiceField(queryset=Room.objects.none(), label=_("Room"))
    capacity = forms.IntegerField(
        label=_("Seats offered (optional)"),
        required=False,
        min_value=1,
        help_text=_("Leave empty to offer every seat in the room."),
    )

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = call.slots.all()
        self.fields["slot"].label_from_instance = lambda slot: "{} – {}".format(
            date_phrase(slot.starts_at, "short_weekday_date_time"),
            date_phrase(slot.ends_at, "time"),
        )
        self.fields["room"].queryset = call.rooms.all()
