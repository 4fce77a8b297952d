"""API tokens become django-rest-knox tokens: hashed and expiring.

DRF's `authtoken_token` kept every key in clear, never expiring, readable by the admin role.
Each such key moves to knox as its SHA-512 digest (so a script keeps working) with an expiry
SIMPUL_API_TOKEN_TTL_HOURS from now, and the old table, its content types and permissions are
dropped. The admin role may see and revoke tokens (knox `view`/`delete`, never `add` or
`change`) and clear failed-login lockouts (django-axes).
"""

import hashlib
from datetime import timedelta
import importlib

from django.conf import settings
from django.db import migrations
from django.utils import timezone

ROLES = {
    "admin": {
        "knox": {"authtoken": ("view", "delete")},
        "axes": {model: ("view", "delete")
                 for model in ("accessattempt", "accesslog", "accessfailurelog")},
    },
}


def move_drf_tokens(apps, schema_editor):
    """Copy each DRF token to knox as a digest, then drop DRF's table of clear keys."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if "authtoken_token" in connection.introspection.table_names(cursor):
            cursor.execute("SELECT key, user_id, created FROM authtoken_token")
            rows = cursor.fetchall()
            AuthToken = apps.get_model("knox", "AuthToken")
            expiry = timezone.now() + timedelta(hours=settings.SIMPUL_API_TOKEN_TTL_HOURS)
            for key, user_id, created in rows:
                digest = hashlib.sha512(key.encode()).hexdigest()
                AuthToken.objects.bulk_create([AuthToken(
                    digest=digest, token_key=key[:15], user_id=user_id, expiry=expiry)])
                AuthToken.objects.filter(pk=digest).update(created=created)
            cursor.execute("DROP TABLE authtoken_token")
    apps.get_model("contenttypes", "ContentType").objects.filter(
        app_label="authtoken").delete()


def grant(apps, schema_editor):
    """The admin role's token and lockout permissions."""
    importlib.import_module("inventory.migrations.0002_roles").grant_roles(apps, ROLES)


def revoke(apps, schema_editor):
    """Backward: take those permissions back (the moved tokens stay in knox)."""
    importlib.import_module("inventory.migrations.0002_roles").revoke_roles(apps, ROLES)


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0007_history_without_unread_indexes"),
        ("knox", "0009_extend_authtoken_field"),
        ("axes", "0010_accessattemptexpiration"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(move_drf_tokens, migrations.RunPython.noop),
        migrations.RunPython(grant, revoke),
    ]
