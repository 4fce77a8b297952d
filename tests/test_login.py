"""Sign-in: passwords of at least 12 characters, failed-login lockout (django-axes) on the
admin's login page and the API's, and API tokens that are hashed, expire and are never shown
again (django-rest-knox)."""

import datetime
import hashlib
import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone, translation
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.api_support import client_for, token_client
from tests.factories import lonlat

pytestmark = pytest.mark.django_db

PASSWORD = "kunci-rahasia-mojokerto"
LOGIN = "/api/auth/login/"


@pytest.fixture
def editor(role_users):
    """The editor of `role_users`, with a real password."""
    user = role_users["editor"]
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def lockout(settings):
    """django-axes on (the test settings switch it off for the test client's `login()`)."""
    settings.AXES_ENABLED = True


def hotspot_body():
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(lonlat(300, 300))},
            "properties": {"name": "Taman Baru", "operator": "Diskominfo", "site_type": "taman"}}


def login(username, password, address="203.0.113.7"):
    return APIClient().post(LOGIN, {"username": username, "password": password},
                            format="json", REMOTE_ADDR=address)


# --- Passwords ---------------------------------------------------------------------------------
def test_passwords_need_twelve_characters():
    validate_password("Mojokerto#Kita")  # 14 characters
    with translation.override("en"), pytest.raises(ValidationError) as error:
        validate_password("Mojokerto#1")  # 11
    assert error.value.messages == [
        "This password is too short. It must contain at least 12 characters."]


def test_the_admin_refuses_an_eleven_character_password(role_users):
    role_users["admin"].is_staff = True
    role_users["admin"].save()
    client = client_for(None)
    client.force_login(role_users["admin"])
    response = client.post("/en/admin/auth/user/add/", {
        "username": "operator", "usable_password": "true",
        "password1": "Mojokerto#1", "password2": "Mojokerto#1"})
    assert response.status_code == 200
    assert "This password is too short. It must contain at least 12 characters." in (
        response.content.decode())
    assert not User.objects.filter(username="operator").exists()


# --- API tokens --------------------------------------------------------------------------------
def test_login_gives_a_token_shown_once_stored_as_a_digest(two_kelurahan, editor):
    response = login("u-editor", PASSWORD)
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    assert len(token) == 64
    stored = AuthToken.objects.get(user=editor)
    assert stored.digest == hashlib.sha512(token.encode()).hexdigest()
    assert stored.token_key == token[:15]  # the only clear part: 15 of 64 characters
    expiry = datetime.datetime.fromisoformat(response.json()["expiry"])
    assert abs(expiry - (timezone.now() + datetime.timedelta(hours=24))) < datetime.timedelta(
        minutes=1)

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.post("/api/hotspots/", hotspot_body(), format="json").status_code == 201
    assert api.post("/api/auth/logout/").status_code == 204
    assert AuthToken.objects.filter(user=editor).count() == 0
    response = api.post("/api/hotspots/", hotspot_body(), format="json")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_wrong_password_is_refused_without_a_token(editor):
    response = login("u-editor", "salah-sekali-ini")
    assert response.status_code == 400
    assert response.json() == {"detail": "Nama pengguna atau kata sandi salah."}
    assert AuthToken.objects.count() == 0


def test_an_expired_token_is_refused_and_a_read_does_not_delete_it(two_kelurahan, editor):
    api = token_client(editor)
    AuthToken.objects.update(expiry=timezone.now() - datetime.timedelta(minutes=1))
    response = api.get("/api/hotspots/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}
    assert AuthToken.objects.count() == 1  # GET never writes
    out = call_command_output("clear_expired_tokens")
    assert out == "Deleted 1 expired token(s).\n"
    assert AuthToken.objects.count() == 0


def call_command_output(*args) -> str:
    import io

    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_admin_role_lists_tokens_but_never_a_secret(editor, role_users):
    admin = role_users["admin"]
    admin.is_staff = True
    admin.save()
    _, token = AuthToken.objects.create(user=editor)
    digest = AuthToken.objects.get().digest
    client = client_for(None)
    client.force_login(admin)
    page = client.get("/en/admin/knox/authtoken/")
    assert page.status_code == 200
    html = page.content.decode()
    assert token[:15] in html and "u-editor" in html
    # The secret is nowhere; its one-way SHA-512 digest only keys the rows' links.
    assert token not in html
    detail = client.get(f"/en/admin/knox/authtoken/{digest}/change/")
    assert detail.status_code == 200  # read-only view
    assert token not in detail.content.decode()
    assert client.get("/en/admin/knox/authtoken/add/").status_code == 403
    response = client.post(f"/en/admin/knox/authtoken/{digest}/delete/", {"post": "yes"})
    assert response.status_code == 302  # revoked
    assert AuthToken.objects.count() == 0


def test_drf_tokens_move_to_knox_and_keep_working(two_kelurahan, editor):
    """The data migration (inventory 0008): a clear DRF key becomes a digest that expires."""
    key = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
                       "created timestamptz NOT NULL, user_id integer NOT NULL)")
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, now(), %s)", [key, editor.pk])
    migration = importlib.import_module("inventory.migrations.0008_hashed_expiring_tokens")
    with connection.schema_editor() as schema_editor:
        migration.move_drf_tokens(apps, schema_editor)
    assert "authtoken_token" not in connection.introspection.table_names()
    moved = AuthToken.objects.get(user=editor)
    assert moved.digest == hashlib.sha512(key.encode()).hexdigest()
    assert moved.expiry > timezone.now() + datetime.timedelta(hours=23)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.post("/api/hotspots/", hotspot_body(), format="json").status_code == 201


# --- Lockout -----------------------------------------------------------------------------------
def test_api_login_locks_out_after_five_failures(editor, lockout):
    statuses = [login("u-editor", f"tebakan-{n}").status_code for n in range(5)]
    assert statuses == [400, 400, 400, 400, 429]
    locked = login("u-editor", PASSWORD)  # the right password, too late
    assert locked.status_code == 429
    assert locked.json() == {
        "detail": "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam 15 menit."}
    assert locked["Retry-After"] == "900"
    assert AuthToken.objects.count() == 0
    # The pair (username, address) is locked: the editor from another address signs in.
    assert login("u-editor", PASSWORD, address="198.51.100.4").status_code == 200


def test_admin_login_locks_out_after_five_failures(role_users, lockout):
    admin = role_users["admin"]
    admin.is_staff = True
    admin.set_password(PASSWORD)
    admin.save()
    client = client_for(None)

    def attempt(password):
        return client.post("/en/admin/login/?next=/en/admin/",
                           {"username": "u-admin", "password": password})

    assert [attempt(f"tebakan-{n}").status_code for n in range(4)] == [200] * 4  # form again
    fifth = attempt("tebakan-5")
    assert fifth.status_code == 429
    assert fifth.content.decode() == (
        "Account locked: too many login attempts. Please try again later.")
    assert attempt(PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
