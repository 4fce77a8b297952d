"""Change history: who changed what and when, through the API, and the registry as of a past
moment (`?known_at=`); deleting a record never deletes its history."""

import datetime

import pytest
from django.utils import timezone

from geo.models import AdminArea
from inventory.models import Hotspot
from tests.api_support import ROLE_NAMES, client_for, if_match, token_client
from tests.factories import lonlat, make_hotspot

pytestmark = pytest.mark.django_db

HISTORY_STATUS = {"anonymous": 401, "user": 403, "editor": 200, "assessor": 200, "admin": 200}


def hotspot_body(name="Taman Baru", dx=300, dy=300):
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(lonlat(dx, dy))},
            "properties": {"name": name, "operator": "Diskominfo", "site_type": "taman"}}


def test_token_writes_record_the_user_and_the_changes(two_kelurahan, role_users):
    api = token_client(role_users["editor"])
    created = api.post("/api/hotspots/", hotspot_body(), format="json")
    assert created.status_code == 201, created.content
    url = f"/api/hotspots/{created.json()['id']}/"
    changed = api.patch(url, {"properties": {"name": "Taman Kota", "status": "down"}},
                        format="json", HTTP_IF_MATCH=created["ETag"])
    assert changed.status_code == 200, changed.content
    pk = created.json()["id"]
    assert [(r.history_type, r.history_user.username) for r in
            Hotspot.history.filter(id=pk).order_by("history_date")] == [
        ("+", "u-editor"), ("~", "u-editor")]

    entries = api.get(f"{url}history/").json()
    assert [(e["type"], e["user"]) for e in entries] == [("~", "u-editor"), ("+", "u-editor")]
    assert entries[0]["changes"] == [
        {"field": "name", "old": "Taman Baru", "new": "Taman Kota"},
        {"field": "status", "old": "active", "new": "down"},
    ]
    assert entries[1]["changes"] == []


def test_a_moved_point_shows_old_and_new_geometry(two_kelurahan, role_users):
    hotspot = make_hotspot(300, 300, name="Pindah")
    api = client_for(role_users["editor"])
    url = f"/api/hotspots/{hotspot.pk}/"
    body = {"type": "Feature", "geometry": hotspot_body(dx=1300)["geometry"], "properties": {}}
    assert api.patch(url, body, format="json", **if_match(api, url)).status_code == 200
    changes = {c["field"]: c for c in api.get(f"{url}history/").json()[0]["changes"]}
    assert sorted(changes) == ["area", "geom"]
    assert changes["area"]["old"] == two_kelurahan[0].pk
    assert changes["area"]["new"] == two_kelurahan[1].pk
    assert changes["geom"]["old"]["coordinates"] == pytest.approx(list(lonlat(300, 300)))
    assert changes["geom"]["new"]["coordinates"] == pytest.approx(list(lonlat(1300, 300)))


def test_deleting_keeps_the_history(two_kelurahan, role_users):
    api = token_client(role_users["editor"])
    hotspot = make_hotspot(300, 300, name="Akan dihapus")
    url = f"/api/hotspots/{hotspot.pk}/"
    response = api.delete(url, **if_match(api, url))
    assert response.status_code == 204
    assert not Hotspot.objects.filter(pk=hotspot.pk).exists()
    entries = api.get(f"{url}history/").json()
    assert [e["type"] for e in entries] == ["-", "+"]
    assert entries[0]["user"] == "u-editor"
    assert entries[1]["user"] == ""  # created by code, outside a request
    assert Hotspot.history.filter(id=hotspot.pk).count() == 2


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_history_is_for_editors_assessors_and_admins(two_kelurahan, role_users, role):
    hotspot = make_hotspot(300, 300)
    response = client_for(role_users[role]).get(f"/api/hotspots/{hotspot.pk}/history/")
    assert response.status_code == HISTORY_STATUS[role]


def test_history_of_an_unknown_record_is_404(two_kelurahan, role_users):
    api = client_for(role_users["assessor"])
    assert api.get("/api/hotspots/999999/history/").status_code == 404
    assert api.get("/api/facilities/999999/history/").status_code == 404


def test_area_history_by_code(two_kelurahan, role_users):
    west = two_kelurahan[0]
    west.population = 1250
    west.save()
    api = client_for(role_users["assessor"])
    entries = api.get("/api/areas/35.76.01.1001/history/").json()
    assert [e["type"] for e in entries] == ["~", "+"]
    assert entries[0]["changes"] == [{"field": "population", "old": 1000, "new": 1250}]
    assert client_for(None).get("/api/areas/35.76.01.1001/history/").status_code == 401
    assert AdminArea.history.filter(code="35.76.01.1001").count() == 2


def test_registry_as_recorded_at_a_past_moment(two_kelurahan, role_users):
    kept = make_hotspot(100, 100, name="Lama")
    gone = make_hotspot(200, 200, name="Dihapus")
    gone_pk = gone.pk
    before = timezone.now()
    kept.name = "Baru"
    kept.save()
    gone.delete()
    make_hotspot(300, 300, name="Belakangan")

    api = client_for(role_users["assessor"])
    then = api.get("/api/hotspots/", {"known_at": before.isoformat()})
    assert then.status_code == 200, then.content
    assert [(f["id"], f["properties"]["name"], f["properties"]["area_code"])
            for f in then.json()["features"]] == [
        (kept.pk, "Lama", "35.76.01.1001"), (gone_pk, "Dihapus", "35.76.01.1001")]
    assert then.json()["count"] == 2
    now = api.get("/api/hotspots/", {"known_at": timezone.now().isoformat()}).json()
    assert sorted(f["properties"]["name"] for f in now["features"]) == ["Baru", "Belakangan"]
    # Long before anything existed: empty.
    assert api.get("/api/hotspots/", {"known_at": "2000-01-01T00:00:00"}).json()["count"] == 0


def test_known_at_without_offset_is_jakarta_time(two_kelurahan, role_users):
    hotspot = make_hotspot(100, 100)
    record = Hotspot.history.get(id=hotspot.pk)
    record.history_date = datetime.datetime(2025, 1, 1, 0, 30, tzinfo=datetime.UTC)  # 07:30 WIB
    record.save()
    api = client_for(role_users["editor"])
    assert api.get("/api/hotspots/", {"known_at": "2025-01-01T07:29:00"}).json()["count"] == 0
    assert api.get("/api/hotspots/", {"known_at": "2025-01-01T07:30:00"}).json()["count"] == 1


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_known_at_is_for_internal_readers(two_kelurahan, role_users, role):
    response = client_for(role_users[role]).get("/api/facilities/",
                                                {"known_at": "2025-01-01T00:00:00"})
    assert response.status_code == HISTORY_STATUS[role]


def test_known_at_errors_are_clear(two_kelurahan, role_users):
    api = client_for(role_users["editor"])
    response = api.get("/api/hotspots/", {"known_at": "kemarin"})
    assert response.status_code == 400
    assert response.json() == {"known_at": [
        "known_at harus berupa tanggal dan waktu ISO 8601, mis. 2025-01-01T00:00:00."]}
    response = api.get("/api/hotspots/", {"known_at": "2025-01-01T00:00:00", "status": "down"})
    assert response.status_code == 400
    assert response.json() == {"known_at": [
        "known_at tidak dapat digabung dengan filter lain: status."]}
