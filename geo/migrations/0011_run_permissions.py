"""Grant the permission to make coverage and score runs (snapshots made on purpose).

Editors (Diskominfo, who plan with coverage) and assessors (who score a date) may make
runs; admins already hold every permission of these models after this. Reading runs needs
no permission. Uses `grant_roles` of the roles migration (inventory 0002).
"""

import importlib

from django.db import migrations

ROLES = {
    "editor": {"geo": {"coveragerun": ("add", "view"), "scorerun": ("add",)}},
    "assessor": {"geo": {"coveragerun": ("add", "view"), "scorerun": ("add",)}},
    "admin": {"geo": {"coveragerun": ("add", "change", "delete", "view")}},
}


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
        ("geo", "0010_live_coverage"),
        ("inventory", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
