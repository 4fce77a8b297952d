"""Fixtures shared by the API tests: one user per role, a clean throttle cache.

Loaded as a pytest plugin by tests/conftest.py (`pytest_plugins`).
"""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from knox.models import AuthToken
from rest_framework.test import APIClient

from core.permissions import Role

roles_migration = importlib.import_module("inventory.migrations.0002_roles")
ROLE_NAMES = ("anonymous", "user", Role.EDITOR, Role.ASSESSOR, Role.ADMIN)
#: Every data migration that grants the roles permissions, in migration order.
GRANTS = [
    roles_migration.ROLES,
    importlib.import_module("inventory.migrations.0003_hotspot_reports").ROLES,
    importlib.import_module("geo.migrations.0005_claim_permissions").ROLES,
    importlib.import_module("geo.migrations.0007_editor_area_permissions").ROLES,
    importlib.import_module("geo.migrations.0011_run_permissions").ROLES,
    importlib.import_module("inventory.migrations.0008_hashed_expiring_tokens").ROLES,
]


@pytest.fixture(autouse=True)
def _clear_throttle_history():
    """Throttle counts live in the cache; every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def role_users(db):
    """One user per role (`user` has no role); groups as the migrations make them.

    Every grant migration (`GRANTS`) is run again because a transactional test elsewhere
    may have flushed the groups they created in the test database.
    """
    for grants in GRANTS:
        roles_migration.grant_roles(apps, grants)
    users = {"anonymous": None}
    for name in ROLE_NAMES[1:]:
        user = User.objects.create_user(username=f"u-{name}", password="x")
        if name != "user":
            user.groups.add(Group.objects.get(name=name))
        users[name] = user
    return users


def client_for(user) -> APIClient:
    """A client authenticated as `user` (anonymous for None)."""
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


def token_client(user) -> APIClient:
    """A client authenticated with a real API token (knox, as `POST /api/auth/login/` makes
    them), not `force_authenticate`."""
    _, token = AuthToken.objects.create(user=user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api


def if_match(api: APIClient, url: str) -> dict:
    """The `If-Match` header a write to `url` needs: the ETag of a GET made just now."""
    etag = api.get(url).get("ETag")
    return {"HTTP_IF_MATCH": etag} if etag else {}
