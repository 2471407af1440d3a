"""The curators' roles, in one place: the data migration and the tests both read this.

A Curator adds and corrects facts (and may remove a wrong source or participant from an
event) but cannot publish, delete events, people or countries, or manage users; they read
readers' suggestions and reject them. An Editor can also publish and delete, accept
suggestions, and edit the public record of corrections.
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
ACCEPT_SUGGESTION = "accept_suggestion"  # Suggestion.Meta.permissions declares it


def can_publish(user):
    """Whether `user` may publish and unpublish events (editors and superusers)."""
    return user.has_perm(f"timeline.{PUBLISH}")


def can_accept_suggestions(user):
    """Whether `user` may accept a reader's suggestion (editors): curators read and reject."""
    return user.has_perm(f"timeline.{ACCEPT_SUGGESTION}")


def _codenames(actions, models):
    return {f"{action}_{model}" for action in actions for model in models}


ROLE_PERMISSIONS = {
    CURATOR: _codenames(["add", "change", "view"], CURATED_MODELS)
    | _codenames(["delete"], ["participation", "source"])
    | _codenames(["view", "change"], ["suggestion"])
    | _codenames(["view"], ["correction"]),
    EDITOR: _codenames(["add", "change", "view", "delete"], CURATED_MODELS)
    | _codenames(["view", "change", "delete"], ["suggestion"])
    | _codenames(["view", "change"], ["correction"])
    | {PUBLISH, ACCEPT_SUGGESTION},
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
    # An early migration runs this before later models exist: their permissions wait
    # for the migration that adds them (which runs this again).
    existing = {model._meta.model_name for model in apps.get_app_config("timeline").get_models()}
    for name, codenames in ROLE_PERMISSIONS.items():
        codenames = {c for c in codenames if c.split("_", 1)[1] in existing}
        group, _ = Group.objects.get_or_create(name=name)
        perms = Permission.objects.filter(
            content_type__app_label="timeline", codename__in=codenames
        )
        missing = codenames - set(perms.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Unknown permissions for {name}: {sorted(missing)}")
        group.permissions.set(perms)
