from django import forms
from django.utils.translation import gettext_lazy as _

from trec.accounts.models import District
from trec.validators import validate_image

from . import spam
from .models import MESSAGE_MAX_LENGTH, Post

HONEYPOT_FIELD = "website"  # rendered off-screen by the template; people leave it empty
STAMP_FIELD = "started"


class PostForm(forms.ModelForm):
    """A thank-you from anyone. The honeypot and the "shown at" stamp are read from the
    raw data (they are not fields, so `{{ form }}` never shows them); `spam_verdict`
    says why a post is dropped silently."""

    recipient_district = forms.ModelChoiceField(
        queryset=District.objects.order_by("name"),
        required=False,
        label=_("Their district or school system"),
        empty_label=_("Choose one (optional)"),
    )
    image = forms.ImageField(
        label=_("A picture (optional)"),
        required=False,
        validators=[validate_image],
        help_text=_("JPEG, PNG, WebP or GIF, up to 2 MB. We resize it and remove its metadata."),
    )

    class Meta:
        model = Post
        fields = [
            "recipient_name",
            "recipient_school",
            "recipient_district",
            "message",
            "author_name",
            "is_anonymous",
            "recipient_email",
            "image",
            "image_alt",
        ]
        labels = {
            "recipient_name": _("Who are you thanking?"),
            "recipient_school": _("Their school"),
            "message": _("Your message"),
            "author_name": _("Your name"),
            "is_anonymous": _("Post without my name"),
            "recipient_email": _("Their e-mail address (optional, never shown)"),
            "image_alt": _("Describe the picture"),
        }
        help_texts = {
            "recipient_name": _("Their name as colleagues and families know it."),
            "recipient_school": _("Optional. Helps the school find your message."),
            "message": _("Up to %(max)s characters. Kind, specific words mean the most.")
            % {"max": MESSAGE_MAX_LENGTH},
            "author_name": _("Optional. Leave empty or tick the box below to stay anonymous."),
            "recipient_email": _(
                "If you give it, we e-mail them once your message is on the wall. "
                "We keep it private and use it for nothing else."
            ),
            "image_alt": _("Needed with a picture, for people who use a screen reader."),
        }
        widgets = {
            "message": forms.Textarea(attrs={"rows": 6, "maxlength": MESSAGE_MAX_LENGTH}),
            "recipient_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "author_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "recipient_email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.spam_verdict = ""
        self.fields["message"].max_length = MESSAGE_MAX_LENGTH
        if not self.is_bound:
            return
        if self.data.get(HONEYPOT_FIELD):
            self.spam_verdict = "honeypot"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("image") and not cleaned.get("image_alt", "").strip():
            self.add_error(
                "image_alt", _("Please describe the picture for people who cannot see it.")
            )
        if not cleaned.get("image") and cleaned.get("image_alt"):
            cleaned["image_alt"] = ""
        elapsed = spam.seconds_since_stamp(self.data.get(STAMP_FIELD, ""))
        if elapsed is None:
            raise forms.ValidationError(
                _("This form was open for too long. Please check your message and send it again."),
                code="stale",
            )
        if elapsed < spam.MIN_FILL_SECONDS and not self.spam_verdict:
            self.spam_verdict = "too fast"
        return cleaned


class PostEditForm(forms.ModelForm):
    """What a moderator may fix: the visible text, never the e-mail or the image."""

    recipient_district = forms.ModelChoiceField(
        queryset=District.objects.order_by("name"),
        required=False,
        label=_("District or school system"),
    )

    class Meta:
        model = Post
        fields = [
            "recipient_name",
            "recipient_school",
            "recipient_district",
            "message",
            "author_name",
            "is_anonymous",
            "image_alt",
        ]
        widgets = {"message": forms.Textarea(attrs={"rows": 6, "maxlength": MESSAGE_MAX_LENGTH})}

    def clean(self):
        cleaned = super().clean()
        if self.instance.image and not cleaned.get("image_alt", "").strip():
            self.add_error("image_alt", _("A post with a picture needs its description."))
        return cleaned
