from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SavedSearch


class FrequencyForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=SavedSearch.Frequency.choices,
        initial=SavedSearch.Frequency.DAILY,
    )
