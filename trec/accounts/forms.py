from allauth.account.forms import ResetPasswordForm
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import District, GradeBand, School, User


class ProfileForm(forms.ModelForm):
    """The educator profile: filled in once at onboarding, editable at /me/profile/."""

    grade_bands = forms.ModelMultipleChoiceField(
        queryset=GradeBand.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Grade bands you work with"),
        help_text=_("Choose all that apply."),
    )
    # Topics are the catalog's (events.Topic, through User.interests): reached through
    # the relation, so the account layer imports no app above it.
    interests = forms.ModelMultipleChoiceField(
        queryset=User.interests.field.related_model.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Topics you are interested in"),
    )

    class Meta:
        model = User
        fields = [
            "first_name",
            "last_name",
            "role",
            "grade_bands",
            "district",
            "school",
            "years_experience",
            "students_served",
            "interests",
            "preferred_language",
            "notify_reminders",
            "notify_updates",
            "notify_digest",
        ]
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name", "role"):
            self.fields[name].required = True
        self.fields["district"].queryset = District.objects.all()
        self.fields["district"].empty_label = _("Choose your district or school system")
        self.fields["school"].queryset = School.objects.select_related("district")
        self.fields["school"].label_from_instance = lambda school: (
            f"{school.name} ({school.district})"
        )
        self.fields["role"].choices = [("", _("Choose your role"))] + list(User.Role.choices)
        self.fields["years_experience"].widget.attrs.update({"min": 0, "max": 60})
        self.fields["students_served"].widget.attrs.update({"min": 0})

    def clean(self):
        cleaned = super().clean()
        district, school = cleaned.get("district"), cleaned.get("school")
        if school and district and school.district_id != district.pk:
            self.add_error("school", _("This school is not in the district you chose."))
        if school and not district:
            cleaned["district"] = school.district
        return cleaned


class PrivateResetPasswordForm(ResetPasswordForm):
    """Password reset that answers the same for any address: an unknown one gets the
    "no account here" e-mail (allauth's EMAIL_UNKNOWN_ACCOUNTS), never a form error, so
    the page cannot be used to find out who has an account. Sign-up still says
    "already registered" (ACCOUNT_PREVENT_ENUMERATION is off for it; see settings)."""

    def clean_email(self) -> str:
        try:
            return super().clean_email()
        except forms.ValidationError as error:
            if error.code != "unknown_email":
                raise
            self.users = []
            return self.cleaned_data["email"]


class DeleteAccountForm(forms.Form):
    """Deleting an account asks for the password again and a typed confirmation."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account and personal data will be deleted for good."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.has_usable_password() or not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return password
