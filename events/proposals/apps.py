from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    """Calls for proposals: educators and providers propose sessions for a program (the
    summit, a spotlight series), a committee reviews them, coordinators decide and
    schedule, and presenters earn "presenter" hours on their transcript."""

    name = "events.proposals"
    label = "proposals"
    verbose_name = _("Calls for proposals")
