from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GratitudeConfig(AppConfig):
    name = "gratitude"
    label = "gratitude"
    verbose_name = _("Gratitude walls")
