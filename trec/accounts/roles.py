"""Who is who on the hub: one place for the role rules.

- Educator: every signed-in user.
- Provider staff: ``is_staff`` users with a provider membership (providers app).
- Coordinator: a member of the "Coordinators" group (or a superuser). The group
  is created by a data migration and its permissions are kept in step with the
  hub's models after every ``migrate``.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.db.models import Q

COORDINATORS_GROUP = "Coordinators"
PROVIDER_STAFF_GROUP = "Provider staff"
# The groups a coordinator may grant or take away in the back office (accounts.admin).
# Granting one makes the person staff (the back office needs it); superuser status,
# single permissions and any other group stay a superuser's to give.
ROLE_GROUPS = (COORDINATORS_GROUP, PROVIDER_STAFF_GROUP)

# Provider staff manage their own organisation's listings; the admin narrows every
# queryset to their providers (events.admin, providers.admin).
PROVIDER_STAFF_PERMISSIONS = {
    ("providers", "view_provider"),
    ("providers", "change_provider"),
    ("providers", "view_offering"),
    ("providers", "add_offering"),
    ("providers", "change_offering"),
    ("providers", "delete_offering"),
    ("providers", "view_offeringduration"),
    ("providers", "add_offeringduration"),
    ("providers", "change_offeringduration"),
    ("providers", "delete_offeringduration"),
    ("providers", "view_sessionrequest"),
    ("providers", "change_sessionrequest"),
    ("providers", "view_requestupdate"),
    ("events", "view_topic"),
    ("events", "view_event"),
    ("events", "add_event"),
    ("events", "change_event"),
    ("events", "view_eventsession"),
    ("events", "add_eventsession"),
    ("events", "change_eventsession"),
    ("events", "delete_eventsession"),
    # A program's resource expo (events.admin.ExpoBoothInline).
    ("events", "view_expobooth"),
    ("events", "add_expobooth"),
    ("events", "change_expobooth"),
    ("events", "delete_expobooth"),
    ("events", "view_registration"),
    ("events", "change_registration"),
    ("events", "view_attendance"),
    ("events", "add_attendance"),
    ("events", "delete_attendance"),
}

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
    "notifications",
    "proposals",
    "follows",
    "districts",
)
# ...but never grant themselves superpowers over users and groups.
COORDINATOR_EXCLUDED = {
    ("accounts", "delete_user"),
    # Impact snapshots are computed, never typed in: coordinators view and delete them
    # in the back office and recompute them from /impact/dashboard/.
    ("impact", "add_impactsnapshot"),
    ("impact", "change_impactsnapshot"),
    # On-site requests come from schools through the public form, never typed in.
    ("providers", "add_sessionrequest"),
}


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


def coordinator_ids() -> set[int]:
    """The active accounts that act as coordinators (the group, and superusers)."""
    users = get_user_model().objects.filter(is_active=True)
    return set(
        users.filter(Q(groups__name=COORDINATORS_GROUP) | Q(is_superuser=True)).values_list(
            "pk", flat=True
        )
    )


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


def sync_provider_staff_group(apps) -> None:
    """Create the Provider staff group with exactly the permissions listed above."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=PROVIDER_STAFF_GROUP)
    labels = {app for app, _ in PROVIDER_STAFF_PERMISSIONS}
    permissions = [
        permission
        for permission in Permission.objects.filter(
            content_type__app_label__in=labels
        ).select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in PROVIDER_STAFF_PERMISSIONS
    ]
    group.permissions.set(permissions)


def create_all_permissions(apps) -> None:
    """Permissions are normally created after migrate; a data migration needs them now."""
    for app_config in apps.get_app_configs():
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True  # migration-state apps have none
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = original
