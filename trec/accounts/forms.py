from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Topic

from .models import District, GradeBand, School, User


class ProfileForm(forms.ModelForm):
    """The educator profile: filled in once at onboarding, editable at /me/profile/."""

    grade_bands = forms.ModelMultipleChoiceField(
        queryset=GradeBand.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Grade bands you work with"),
        help_text=_("Choose all that apply."),
    )
    interests = forms.ModelMultipleChoiceField(
        queryset=Topic.objects.all(),
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
