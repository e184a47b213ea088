"""Reference data every database must have: grade bands and the staff groups.

Data migrations create it; a post_migrate handler puts it back whenever a
database is flushed (as transactional tests do) and grants coordinators the
permissions of models added since.
"""

from django.apps import apps as global_apps
from django.utils.translation import gettext_noop

from .roles import create_all_permissions, sync_coordinators_group, sync_provider_staff_group

GRADE_BANDS = [
    ("birth-prek", gettext_noop("Birth–pre-K")),
    ("k-2", "K–2"),
    ("3-5", "3–5"),
    ("6-8", "6–8"),
    ("9-12", "9–12"),
]


def ensure_grade_bands(apps) -> None:
    GradeBand = apps.get_model("accounts", "GradeBand")
    for position, (code, name) in enumerate(GRADE_BANDS):
        GradeBand.objects.update_or_create(code=code, defaults={"name": name, "position": position})


def ensure_reference_data(sender=None, apps=None, **kwargs) -> None:
    apps = apps or global_apps
    ensure_grade_bands(apps)
    # Every app's permissions exist before the groups are granted them, even when this
    # runs (after a flush) before the later apps' own post_migrate handlers.
    create_all_permissions(apps)
    sync_coordinators_group(apps)
    sync_provider_staff_group(apps)
