"""Let editors create, change and delete administrative areas (`/api/areas/`).

Area writes go through `geo.services.save_area` / `delete_area`, like `load_areas`. Admins
hold every geo permission already (inventory 0002). Uses `grant_roles` of the roles
migration, which creates a missing group and only ever adds permissions.
"""

import importlib

from django.db import migrations

ROLES = {"editor": {"geo": {"adminarea": ("add", "change", "delete")}}}


def grant(apps, schema_editor):
    """Forward: add the permissions to the groups (creating a missing group)."""
    roles = importlib.import_module("inventory.migrations.0002_roles")
    roles.grant_roles(apps, ROLES)


def revoke(apps, schema_editor):
    """Backward: remove these permissions from the groups (the groups stay)."""
    roles = importlib.import_module("inventory.migrations.0002_roles")
    roles.revoke_roles(apps, ROLES)


class Migration(migrations.Migration):
    dependencies = [
        ("geo", "0006_single_spatial_index"),
        ("inventory", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
