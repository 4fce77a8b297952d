"""Roles and API permissions shared by both apps (inventory and geo).

Roles are Django groups whose model permissions are granted by data migrations
(`inventory/migrations/0002_roles.py`, then each app's own, e.g.
`geo/migrations/0007_editor_area_permissions.py`):

- anonymous: reads published data (no internal notes, no technical details of sensitive
  fiber records);
- `editor` (Diskominfo): creates, edits and deletes inventory records and administrative
  areas;
- `assessor`: reads everything, manages claims;
- `admin`: everything.

Whether a user sees internal fields is decided by the model's `view` permission, so a new
role only needs the right permissions, never a change here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import DjangoModelPermissionsOrAnonReadOnly


class Role(models.TextChoices):
    """Names of the Django groups that carry Simpul's roles."""

    EDITOR = "editor", _("Editor (Diskominfo)")
    ASSESSOR = "assessor", _("Asesor")
    ADMIN = "admin", _("Administrator")


def can_see_internal(user, model) -> bool:
    """True when `user` may read the internal fields of `model` (its `view` permission)."""
    if user is None or not user.is_authenticated:
        return False
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.view_{opts.model_name}")


class RegistryPermission(DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads; writing needs the model's add/change/delete permission."""
