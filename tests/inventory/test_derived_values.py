"""Values Simpul derives for a record are the same whichever way it is written: by the API,
by the admin or by import (the government-office flag, the desa/kelurahan of a point on a
shared border, a span's length)."""

import pytest
from django.contrib.gis.geos import Point
from django.test import Client

from geo.models import AdminArea
from inventory.io.importer import import_file
from inventory.models import Facility, FiberLink, Hotspot
from tests.api_support import client_for
from tests.factories import lonlat, make_node

pytestmark = pytest.mark.django_db

# A corner shared by both kelurahan of `two_kelurahan` (x = 1000 m, y = 0 m): the same
# coordinates are a vertex of both squares, so ST_Covers holds for both.
BORDER = lonlat(1000, 0)


@pytest.fixture
def staff_editor(role_users):
    user = role_users["editor"]
    user.is_staff = True
    user.save()
    return user


def admin_add(user, model_name, fields):
    """POST the admin add form of an inventory model; return the response."""
    browser = Client()
    browser.force_login(user)
    response = browser.get(f"/admin/inventory/{model_name}/add/")
    data = {}
    for field in response.context["adminform"].form:
        value = field.value()
        data[field.html_name] = "" if value is None else str(value)
    return browser.post(f"/admin/inventory/{model_name}/add/", {**data, **fields})


def point_ewkt(lon, lat) -> str:
    return Point(lon, lat, srid=4326).ewkt


def facility_feature(name, facility_type, **properties):
    lon, lat = lonlat(500, 500)
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"name": name, "facility_type": facility_type, **properties}}


@pytest.mark.parametrize(("facility_type", "expected"),
                         [("kantor_kelurahan", True), ("sekolah_sd", False)])
def test_government_office_follows_the_type_by_api_admin_and_import(
        two_kelurahan, role_users, staff_editor, tmp_path, facility_type, expected):
    response = client_for(role_users["editor"]).post(
        "/api/facilities/", facility_feature("Lewat API", facility_type), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["properties"]["is_government_office"] is expected

    lon, lat = lonlat(600, 500)
    response = admin_add(staff_editor, "facility", {
        "name": "Lewat admin", "facility_type": facility_type, "connectivity": "unknown",
        "is_government_office": "unknown", "geom": point_ewkt(lon, lat)})
    assert response.status_code == 302, response.context["adminform"].form.errors

    lon, lat = lonlat(700, 500)
    path = tmp_path / "f.csv"
    path.write_text(f"name,facility_type,lat,lon\nLewat impor,{facility_type},{lat},{lon}\n",
                    encoding="utf-8")
    assert import_file("facilities", path).ok

    flags = dict(Facility.objects.values_list("name", "is_government_office"))
    assert flags == {"Lewat API": expected, "Lewat admin": expected, "Lewat impor": expected}


def test_an_explicit_government_office_flag_is_kept(two_kelurahan, role_users):
    response = client_for(role_users["editor"]).post(
        "/api/facilities/",
        facility_feature("Kantor tutup", "kantor_kelurahan", is_government_office=False),
        format="json")
    assert response.status_code == 201, response.content
    assert response.json()["properties"]["is_government_office"] is False
    facility = Facility.objects.get()
    facility.facility_type = "sekolah_sd"
    facility.save()
    facility.refresh_from_db()
    assert facility.is_government_office is False


def test_a_point_on_a_shared_border_goes_to_the_lowest_code_by_every_path(
        two_kelurahan, role_users, staff_editor, tmp_path):
    west, east = two_kelurahan
    lon, lat = BORDER
    on_border = Point(lon, lat, srid=4326)
    assert set(AdminArea.objects.leaves().filter(geom__covers=on_border)
               .values_list("code", flat=True)) == {"35.76.01.1001", "35.76.01.1002"}

    response = client_for(role_users["editor"]).post("/api/hotspots/", {
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"name": "Lewat API", "operator": "Diskominfo", "site_type": "taman"},
    }, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["properties"]["area_code"] == "35.76.01.1001"

    response = admin_add(staff_editor, "hotspot", {
        "name": "Lewat admin", "operator": "Diskominfo", "site_type": "taman",
        "geom": point_ewkt(lon, lat)})
    assert response.status_code == 302, response.context["adminform"].form.errors

    path = tmp_path / "h.csv"
    path.write_text(f"name,operator,site_type,lat,lon\nLewat impor,Diskominfo,taman,"
                    f"{lat!r},{lon!r}\n", encoding="utf-8")
    report = import_file("hotspots", path)
    assert report.ok, report.as_text()

    areas = dict(Hotspot.objects.values_list("name", "area__code"))
    assert areas == {"Lewat API": "35.76.01.1001", "Lewat admin": "35.76.01.1001",
                     "Lewat impor": "35.76.01.1001"}
    assert east.code > west.code


def test_a_span_length_is_derived_by_the_database_on_every_write(two_kelurahan):
    start, end = make_node(100, 100, name="A"), make_node(400, 500, name="B")
    link = FiberLink(name="Jalur", start_node=start, end_node=end,
                     route=_line((100, 100), (400, 500)))
    link.save()
    assert link.length_m == pytest.approx(500.0, abs=0.01)  # 300-400-500 triangle
    link.route = _line((100, 100), (100, 700))
    link.save()
    assert link.length_m == pytest.approx(600.0, abs=0.01)
    assert [h.length_m for h in link.history.order_by("history_id")] == [
        pytest.approx(500.0, abs=0.01), pytest.approx(600.0, abs=0.01)]


def _line(*points):
    from django.contrib.gis.geos import LineString

    return LineString([lonlat(x, y) for x, y in points], srid=4326)
