"""Grant the scoring and claim permissions to the role groups.

Assessors manage claims and read scores; editors read scores and claims; admins get
everything. Uses `grant_roles` of the roles migration (inventory 0002), which creates a
missing group and only ever adds permissions.
"""

import importlib

from django.db import migrations

CRUD = ("add", "change", "delete", "view")
ROLES = {
    "assessor": {"geo": {"claim": CRUD, "scorerun": ("view",), "areascore": ("view",)}},
    "editor": {"geo": {"claim": ("view",), "scorerun": ("view",), "areascore": ("view",)}},
    "admin": {"geo": {"claim": CRUD, "scorerun": CRUD, "areascore": CRUD}},
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
        ("geo", "0004_scoring"),
        ("inventory", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
