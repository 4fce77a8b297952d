"""No lost updates: ETag / If-Match on the API (412, 428), two truly concurrent writers, and
the admin change form refusing a stale save."""

import datetime
import threading
import time

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client

from core.api import concurrency
from core.api.concurrency import etag_for, version_of
from inventory.api.serializers.assets import HotspotSerializer
from inventory.models import Hotspot
from tests.api_support import client_for, roles_migration
from tests.factories import make_area, make_hotspot, square

STALE = (
    "Data ini telah diubah oleh pengguna lain sejak Anda membacanya. Ambil versi terbaru "
    "(GET), periksa perubahannya, lalu kirim ulang dengan If-Match berisi ETag yang baru."
)
MISSING = (
    "Header If-Match wajib dikirim berisi ETag dari GET terakhir atas data ini, agar "
    "perubahan orang lain tidak tertimpa."
)
STALE_FORM = (
    "Data ini telah diubah oleh pengguna lain sejak formulir ini dibuka. Perubahan Anda "
    "belum disimpan: muat ulang halaman untuk melihat versi terbaru, lalu ulangi perubahan "
    "Anda."
)


def test_version_is_exact_microseconds():
    moment = datetime.datetime(2025, 1, 1, 0, 0, 0, 123456, tzinfo=datetime.UTC)
    assert version_of(moment) == 1_735_689_600_123_456


@pytest.mark.django_db
def test_detail_has_an_etag_and_writes_need_it(two_kelurahan, role_users):
    hotspot = make_hotspot(300, 300, name="Asli")
    api = client_for(role_users["editor"])
    url = f"/api/hotspots/{hotspot.pk}/"
    etag = api.get(url)["ETag"]
    assert etag == f'"{hotspot.pk}-{version_of(hotspot.last_updated)}"' == etag_for(hotspot)

    response = api.patch(url, {"properties": {"name": "Tanpa If-Match"}}, format="json")
    assert response.status_code == 428
    assert response.json() == {"detail": MISSING}

    first = api.patch(url, {"properties": {"name": "Pertama"}}, format="json",
                      HTTP_IF_MATCH=etag)
    assert first.status_code == 200
    assert first["ETag"] != etag
    assert first["ETag"] == api.get(url)["ETag"]

    stale = api.patch(url, {"properties": {"name": "Kedua"}}, format="json",
                      HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json() == {"detail": STALE, "current_etag": first["ETag"]}
    assert api.delete(url, HTTP_IF_MATCH=etag).status_code == 412
    hotspot.refresh_from_db()
    assert hotspot.name == "Pertama"

    # Weak ETags never match (strong comparison); a list with the current one does.
    assert api.delete(url, HTTP_IF_MATCH=f"W/{first['ETag']}").status_code == 412
    assert api.delete(url, HTTP_IF_MATCH=f'"x", {first["ETag"]}').status_code == 204


@pytest.mark.django_db
def test_if_match_star_and_put(two_kelurahan, role_users):
    hotspot = make_hotspot(300, 300)
    api = client_for(role_users["editor"])
    url = f"/api/hotspots/{hotspot.pk}/"
    body = HotspotSerializer(hotspot, context={"internal": True}).data
    body["properties"]["name"] = "Ganti semua"
    response = api.put(url, body, format="json", HTTP_IF_MATCH="*")
    assert response.status_code == 200, response.content
    assert Hotspot.objects.get().name == "Ganti semua"


@pytest.mark.django_db
def test_permission_and_existence_come_before_the_precondition(two_kelurahan, role_users):
    hotspot = make_hotspot(300, 300)
    url = f"/api/hotspots/{hotspot.pk}/"
    assert client_for(None).patch(url, {}, format="json").status_code == 401
    assert client_for(role_users["assessor"]).patch(url, {}, format="json").status_code == 403
    editor = client_for(role_users["editor"])
    assert editor.patch("/api/hotspots/999999/", {}, format="json").status_code == 404
    assert editor.post("/api/hotspots/", {}, format="json").status_code == 400  # no If-Match


@pytest.fixture
def two_editors(transactional_db):
    """Two editors and a hotspot, committed (the writers run on their own connections)."""
    roles_migration.grant_roles(__import__("django.apps").apps.apps, roles_migration.ROLES)
    make_area("35.76.01.1001", square(0, 0), name="Barat")
    editors = []
    for name in ("ani", "budi"):
        user = User.objects.create_user(username=name, password="x")
        user.groups.add(Group.objects.get(name="editor"))
        editors.append(user)
    return editors, make_hotspot(300, 300, name="Awal")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_writers_with_the_same_etag_one_wins(two_editors, monkeypatch):
    """Both clients read the same ETag, then PATCH at the same moment. Each save is slowed
    down after the check, so without the row lock both checks would pass."""
    (ani, budi), hotspot = two_editors
    url = f"/api/hotspots/{hotspot.pk}/"
    etag = client_for(ani).get(url)["ETag"]
    original_save = concurrency.ConcurrencyMixin.perform_update

    def slow_update(self, serializer):
        time.sleep(0.5)
        original_save(self, serializer)

    monkeypatch.setattr(concurrency.ConcurrencyMixin, "perform_update", slow_update)
    barrier = threading.Barrier(2)
    results = {}

    def write(user):
        try:
            api = client_for(user)
            barrier.wait()
            response = api.patch(url, {"properties": {"name": f"Oleh {user.username}"}},
                                 format="json", HTTP_IF_MATCH=etag)
            results[user.username] = response.status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(user,)) for user in (ani, budi)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results.values()) == [200, 412]
    winner = next(name for name, code in results.items() if code == 200)
    hotspot.refresh_from_db()
    assert hotspot.name == f"Oleh {winner}"
    assert Hotspot.history.filter(id=hotspot.pk, history_type="~").count() == 1


def _change_form_data(response) -> dict:
    """The POST body of an admin change form as it was rendered (unchanged values)."""
    data = {}
    for field in response.context["adminform"].form:
        value = field.value()
        if isinstance(value, bool):
            if value:
                data[field.html_name] = "on"
            continue
        data[field.html_name] = "" if value is None else str(value)
    return data


@pytest.mark.django_db
def test_admin_refuses_a_save_when_the_record_changed_meanwhile(two_kelurahan, role_users):
    editor = role_users["editor"]
    editor.is_staff = True
    editor.save()
    hotspot = make_hotspot(300, 300, name="Asli")
    browser = Client()
    browser.force_login(editor)
    url = f"/admin/inventory/hotspot/{hotspot.pk}/change/"
    opened = browser.get(url)
    assert opened.status_code == 200
    data = _change_form_data(opened)
    assert data["loaded_version"] == str(version_of(hotspot.last_updated))

    # Someone else saves the record while the form is open.
    other = Hotspot.objects.get(pk=hotspot.pk)
    other.operator = "Telkom"
    other.save()

    response = browser.post(url, {**data, "name": "Dari formulir lama"})
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [STALE_FORM]
    hotspot.refresh_from_db()
    assert (hotspot.name, hotspot.operator) == ("Asli", "Telkom")

    # Reopened, the form saves.
    data = _change_form_data(browser.get(url))
    response = browser.post(url, {**data, "name": "Dari formulir baru"})
    assert response.status_code == 302
    hotspot.refresh_from_db()
    assert (hotspot.name, hotspot.operator) == ("Dari formulir baru", "Telkom")
    assert hotspot.history.first().history_user == editor
