from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.module_loading import autodiscover_modules


class TrecConfig(AppConfig):
    """The project package as an app: shared template tags (trec/templatetags)."""

    name = "trec"
    label = "trec"
    verbose_name = "TREC Hub"

    def ready(self):
        from . import cache_signals  # connects receivers to the apps' models, loaded now

        cache_signals.connect()
        # Every app's tasks.py, so services can queue tasks by name (trec.queue).
        autodiscover_modules("tasks")


class HubAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the hub's site (trec.admin_site: a scoped "view on site")."""

    default = False  # TrecConfig is this module's own app
    default_site = "trec.admin_site.HubAdminSite"
