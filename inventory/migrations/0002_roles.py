"""Create the role groups editor, assessor and admin with their model permissions.

The permissions granted here are frozen in this file. A later app that adds models (e.g.
claims) grants its own permissions in its own data migration, the same way:

    ROLES = {"assessor": {"scoring": {"claim": ("add", "change", "delete", "view")}}}
    def grant(apps, schema_editor):
        grant_roles(apps, ROLES)   # imported from here (importlib); revoke_roles undoes it

Permissions are only ever added to a group, never removed, so migrations compose.
"""

from django.db import migrations
from django.db.models import Q

CRUD = ("add", "change", "delete", "view")
REGISTRY = ("hotspot", "facility", "fibernode", "fiberlink")
HISTORY = tuple(f"historical{model}" for model in REGISTRY)
ALL = "__all__"

ROLES = {
    # Diskominfo: creates and edits the inventory, reads areas and history.
    "editor": {
        "inventory": {
            **{model: CRUD for model in REGISTRY},
            **{model: ("view",) for model in HISTORY},
        },
        "geo": {"adminarea": ("view",)},
    },
    # Reads everything (internal fields included); claim permissions come with claims.
    "assessor": {
        "inventory": {model: ("view",) for model in REGISTRY + HISTORY},
        "geo": {"adminarea": ("view",)},
    },
    # Everything in Simpul's apps, plus users and groups (API tokens: inventory 0008).
    "admin": {"inventory": ALL, "geo": ALL, "auth": ALL},
}


def grant_roles(apps, roles):
    """Create the groups in `roles` if needed and add the permissions listed for each."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; create them now.
    for app_config in apps.get_app_configs():
        original = getattr(app_config, "models_module", None)
        if original is None:
            app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = original

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, grants in roles.items():
        group, _ = Group.objects.get_or_create(name=role)
        query = Q(pk__in=[])
        for app_label, models in grants.items():
            if models == ALL:
                query |= Q(content_type__app_label=app_label)
                continue
            for model, actions in models.items():
                query |= Q(
                    content_type__app_label=app_label,
                    content_type__model=model,
                    codename__in=[f"{action}_{model}" for action in actions],
                )
        group.permissions.add(*Permission.objects.filter(query))


def revoke_roles(apps, roles):
    """Remove the permissions listed in `roles` from those groups (the groups stay): the
    backward step of a migration that called `grant_roles` with the same `roles`."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, grants in roles.items():
        for group in Group.objects.filter(name=role):
            for app_label, models in grants.items():
                for model, actions in models.items():
                    group.permissions.remove(*Permission.objects.filter(
                        content_type__app_label=app_label, content_type__model=model,
                        codename__in=[f"{action}_{model}" for action in actions]))


def create_roles(apps, schema_editor):
    """Forward: the three role groups."""
    grant_roles(apps, ROLES)


def remove_roles(apps, schema_editor):
    """Backward: delete the three role groups."""
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0001_initial"),
        ("geo", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
