"""Who is who on the hub: one place for the role rules.

- Educator: every signed-in user.
- Provider staff: ``is_staff`` users with a provider membership (providers app).
- Coordinator: a member of the "Coordinators" group (or a superuser). The group
  is created by a data migration and its permissions are kept in step with the
  hub's models after every ``migrate``.
"""

from django.contrib.auth.management import create_permissions

COORDINATORS_GROUP = "Coordinators"

# Coordinators run the collaborative: they may manage every model of these apps.
COORDINATOR_APPS = (
    "accounts",
    "providers",
    "events",
    "communities",
    "surveys",
    "gratitude",
    "transcripts",
    "impact",
)
# ...but never grant themselves superpowers over users and groups.
COORDINATOR_EXCLUDED = {("accounts", "delete_user")}


def is_coordinator(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_coordinator", None)
    if cached is None:
        cached = user.groups.filter(name=COORDINATORS_GROUP).exists()
        user._is_coordinator = cached
    return cached


def sync_coordinators_group(apps) -> None:
    """Create the Coordinators group and grant it every hub model permission."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    permissions = [
        permission
        for permission in Permission.objects.filter(
            content_type__app_label__in=COORDINATOR_APPS
        ).select_related("content_type")
        if (permission.content_type.app_label, permission.codename) not in COORDINATOR_EXCLUDED
    ]
    group.permissions.add(*permissions)


def create_all_permissions(apps) -> None:
    """Permissions are normally created after migrate; a data migration needs them now."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
