from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "trec.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # These read models, which exist only once the apps are loaded (here).
        from . import throttle  # noqa: F401 - connects the sign-in throttle's receivers
        from .reference import ensure_reference_data

        post_migrate.connect(ensure_reference_data, sender=self)
        # Each app's part of "download my data" and of account deletion (trec.privacy).
        autodiscover_modules("privacy")
