"""The curators' roles, in one place: the data migration and the tests both read this.

A Curator adds and corrects facts (and may remove a wrong source or participant from an
event) but cannot publish, delete events, people or countries, or manage users. An Editor
can also publish and delete.
"""

CURATED_MODELS = [
    "country",
    "person",
    "officeterm",
    "organization",
    "place",
    "tag",
    "dispute",
    "event",
    "participation",
    "source",
]

CURATOR = "Curator"
EDITOR = "Editor"
PUBLISH = "publish_event"  # Event.Meta.permissions declares it


def can_publish(user):
    """Whether `user` may publish and unpublish events (editors and superusers)."""
    return user.has_perm(f"timeline.{PUBLISH}")


def _codenames(actions, models):
    return {f"{action}_{model}" for action in actions for model in models}


ROLE_PERMISSIONS = {
    CURATOR: _codenames(["add", "change", "view"], CURATED_MODELS)
    | _codenames(["delete"], ["participation", "source"]),
    EDITOR: _codenames(["add", "change", "view", "delete"], CURATED_MODELS) | {PUBLISH},
}


def sync_groups(apps):
    """Create or update the role groups. Safe to run again (a later migration may)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = Permission.objects.filter(
            content_type__app_label="timeline", codename__in=codenames
        )
        missing = codenames - set(perms.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Unknown permissions for {name}: {sorted(missing)}")
        group.permissions.set(perms)
