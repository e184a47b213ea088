from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# The public sections, in menu order. A section shows once its app has routes.
MAIN_SECTIONS = [
    ("events:catalog", _("Find PD")),
    ("providers:directory", _("Providers")),
    ("communities:list", _("Communities")),
    ("gratitude:walls", _("Gratitude")),
    ("impact:report", _("Impact")),
]


def _main_nav(request) -> list[dict]:
    items = []
    for name, label in MAIN_SECTIONS:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "current": request.path.startswith(url)})
    return items


def hub(request):
    return {
        "HUB_NAME": settings.HUB_NAME,
        "HUB_TAGLINE": settings.HUB_TAGLINE,
        "main_nav": _main_nav(request),
    }
