from django.apps import AppConfig


class TrecConfig(AppConfig):
    """The project package as an app: shared template tags (trec/templatetags)."""

    name = "trec"
    label = "trec"
    verbose_name = "TREC Hub"

    def ready(self):
        from . import cache_signals

        cache_signals.connect()
