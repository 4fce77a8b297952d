"""Registry API: GeoJSON output, every filter, pagination, writes, query counts.

Layout (the `layers` fixture in tests/inventory/conftest.py): two 1 km kelurahan side by
side, west .1001 and east .1002, metres from ORIGIN;
hotspots h1 (500, 500) west, h2 (1500, 500) east, h3 (800, 200) west decommissioned,
h4 (1200, 800) east not free; facilities f1 west, f2 east; nodes n1 (100, 100) west,
n2 (1900, 100) east, n3 (400, 100) west; links l1 n1-n2 (sensitive), l2 n1-n3.
"""


import pytest
from pyproj import Geod

from inventory.models import FiberLink, Hotspot
from tests.api_support import client_for, if_match
from tests.factories import (
    lonlat,
    make_area,
    make_facility,
    make_hotspot,
    make_link,
    make_node,
    square,
)

pytestmark = pytest.mark.django_db
GEOD = Geod(ellps="WGS84")
OUTSIDE_MESSAGE = (
    "Lokasi (lintang -7.465694, bujur 112.468061) berada di luar semua desa/kelurahan "
    "yang dimuat."
)


def names(response):
    assert response.status_code == 200, response.content
    return sorted(feature["properties"]["name"] for feature in response.json()["features"])


def get(path, user=None, **params):
    return client_for(user).get(path, params)


# --- GeoJSON -------------------------------------------------------------------------------


def test_hotspot_list_is_an_rfc7946_feature_collection(layers):
    body = get("/api/hotspots/").json()
    assert body["type"] == "FeatureCollection"
    assert "crs" not in body
    assert body["count"] == 4
    feature = next(f for f in body["features"] if f["id"] == layers["h1"].pk)
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "Point"
    lon, lat = lonlat(500, 500)
    assert feature["geometry"]["coordinates"] == [round(lon, 7), round(lat, 7)]
    assert 112.4 < feature["geometry"]["coordinates"][0] < 112.5  # longitude first
    assert -7.5 < feature["geometry"]["coordinates"][1] < -7.4
    assert feature["properties"]["area_code"] == "35.76.01.1001"
    assert feature["properties"]["area_name"] == "Barat"
    assert feature["properties"]["coverage_radius_m"] == 100
    assert "geom" not in feature["properties"] and "id" not in feature["properties"]


def test_coordinates_are_rounded_to_seven_decimals(layers):
    body = get("/api/fiber-links/").json()
    for feature in body["features"]:
        assert feature["geometry"]["type"] == "LineString"
        for lon, lat in feature["geometry"]["coordinates"]:
            assert round(lon, 7) == lon and round(lat, 7) == lat
    trunk = next(f for f in body["features"] if f["properties"]["name"] == "Feeder")
    assert trunk["geometry"]["coordinates"] == [
        [round(c, 7) for c in lonlat(100, 100)],
        [round(c, 7) for c in lonlat(400, 100)],
    ]
    assert trunk["properties"]["length_m"] == pytest.approx(300.0, abs=0.01)


def test_detail_is_a_feature(layers):
    response = get(f"/api/facilities/{layers['f2'].pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "Feature" and body["id"] == layers["f2"].pk
    assert body["properties"]["facility_type"] == "sekolah_sd"
    assert body["properties"]["area_code"] == "35.76.01.1002"


def test_unknown_id_is_404(layers):
    assert get("/api/hotspots/999999/").status_code == 404


# --- Filters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"area": "35.76.01.1002"}, ["Kafe Berbayar", "Kantor Timur"]),
        ({"area": "3576011001"}, ["Lama", "Taman Barat"]),
        ({"area": "35.76.01"}, ["Kafe Berbayar", "Kantor Timur", "Lama", "Taman Barat"]),
        ({"area": "35"}, ["Kafe Berbayar", "Kantor Timur", "Lama", "Taman Barat"]),
        ({"area": "35.77"}, []),
        ({"status": "down"}, ["Kantor Timur"]),
        ({"status": ["down", "decommissioned"]}, ["Kantor Timur", "Lama"]),
        ({"type": "kantor_kelurahan"}, ["Kantor Timur"]),
        ({"operator": "TELKOM"}, ["Kantor Timur"]),
        ({"is_free": "false"}, ["Kafe Berbayar"]),
        ({"as_of": "2020-06-01"}, ["Kafe Berbayar", "Lama", "Taman Barat"]),
        ({"as_of": "2021-06-01"}, ["Kafe Berbayar", "Taman Barat"]),
        ({"as_of": "2022-06-01"}, ["Kafe Berbayar", "Kantor Timur", "Taman Barat"]),
        ({"search": "timur"}, ["Kantor Timur"]),
        ({"search": "dk-1"}, ["Taman Barat"]),
        ({"external_id": "DK-1"}, ["Taman Barat"]),
        ({"in_bbox": "{0},{1},{2},{3}"}, ["Lama", "Taman Barat"]),
        ({"point": "{c}", "distance_m": "350"}, ["Taman Barat"]),
        ({"point": "{c}", "distance_m": "430"}, ["Lama", "Taman Barat"]),  # h3 at 424.3 m
        # h4 is 761.6 m away; h2 is 1,000.1 m from h1 on the spheroid (UTM scale factor
        # 0.99991): metres, not degrees, decide.
        ({"point": "{c}", "distance_m": "999.9"}, ["Kafe Berbayar", "Lama", "Taman Barat"]),
        ({"point": "{c}", "distance_m": "1000.2"},
         ["Kafe Berbayar", "Kantor Timur", "Lama", "Taman Barat"]),
        ({"area": "35.76.01.1001", "status": "active"}, ["Taman Barat"]),
    ],
)
def test_hotspot_filters(layers, params, expected):
    west_min, west_max = lonlat(1, 1), lonlat(999, 999)
    centre = "{},{}".format(*lonlat(500, 500))
    params = {
        key: value.format(*west_min, *west_max, c=centre) if isinstance(value, str) else value
        for key, value in params.items()
    }
    assert names(get("/api/hotspots/", **params)) == expected


def test_geodesic_distance_of_the_boundary_case_is_what_the_filter_uses(layers):
    (lon1, lat1), (lon2, lat2) = lonlat(500, 500), lonlat(1500, 500)
    assert GEOD.inv(lon1, lat1, lon2, lat2)[2] == pytest.approx(1000.09, abs=0.01)


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"area": "35.7"}, "area",
         "35.7 bukan kode wilayah Kemendagri (mis. 35.76 atau 35.76.01.1003)."),
        ({"in_bbox": "1,2,3"}, "in_bbox",
         "Kotak batas harus berupa empat angka: bujur_min,lintang_min,bujur_maks,lintang_maks."),
        ({"in_bbox": "112.5,-7.4,112.4,-7.5"}, "in_bbox",
         "Kotak batas di luar jangkauan: bujur -180..180, lintang -90..90, dan nilai minimum "
         "tidak boleh melebihi nilai maksimum."),
        ({"point": "112.4"}, "point", "Titik harus berupa dua angka: bujur,lintang."),
        ({"point": "112.4,-95"}, "point",
         "Titik di luar jangkauan: bujur -180..180, lintang -90..90."),
        ({"distance_m": "100"}, "distance_m",
         "Filter jarak memerlukan `point` dan `distance_m` bersama."),
        ({"point": "112.4,-7.4", "distance_m": "0"}, "distance_m",
         "distance_m harus lebih dari 0 dan paling banyak 100000 meter."),
        ({"status": "lost"}, "status",
         "Masukkan pilihan yang valid. lost bukan salah satu dari pilihan yang tersedia."),
        ({"as_of": "2024-13-01"}, "as_of", "Masukkan tanggal yang valid."),
    ],
)
def test_bad_filter_values_are_400_naming_the_parameter(layers, params, field, message):
    response = get("/api/hotspots/", **params)
    assert response.status_code == 400
    assert response.json() == {field: [message]}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"type": "sekolah_sd"}, ["SD Timur"]),
        ({"is_government_office": "true"}, ["Kantor Kelurahan Barat"]),
        ({"area": "35.76.01.1001"}, ["Kantor Kelurahan Barat"]),
        ({"search": "jl. timur"}, ["SD Timur"]),
        ({"connectivity": "unknown"}, ["Kantor Kelurahan Barat", "SD Timur"]),
    ],
)
def test_facility_filters(layers, params, expected):
    assert names(get("/api/facilities/", **params)) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"type": "pop"}, ["POP Barat"]),
        ({"area": "35.76.01.1002"}, ["ODP Timur"]),
        ({"owner": "pemkot"}, ["ODP Barat"]),
        ({"status": "operational"}, ["ODP Barat", "ODP Timur", "POP Barat"]),
    ],
)
def test_fiber_node_filters(layers, params, expected):
    assert names(get("/api/fiber-nodes/", **params)) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"area": "35.76.01.1002"}, ["Trunk"]),  # the trunk crosses into the east
        ({"area": "35.76.01.1001"}, ["Feeder", "Trunk"]),
        ({"area": "35.76.01"}, ["Feeder", "Trunk"]),
        ({"type": "aerial"}, ["Feeder"]),
        ({"in_bbox": "east"}, ["Trunk"]),
        ({"point": "far-east", "distance_m": "150"}, ["Trunk"]),
        ({"point": "far-east", "distance_m": "50"}, []),
    ],
)
def test_fiber_link_filters_apply_to_the_route(layers, params, expected):
    if params.get("in_bbox") == "east":
        params["in_bbox"] = "{},{},{},{}".format(*lonlat(1001, 1), *lonlat(1999, 999))
    if params.get("point") == "far-east":
        params["point"] = "{},{}".format(*lonlat(1500, 200))  # 100 m north of the trunk
    assert names(get("/api/fiber-links/", **params)) == expected


def test_fiber_link_node_filter(layers):
    assert names(get("/api/fiber-links/", node=layers["n3"].pk)) == ["Feeder"]


# --- Pagination and query counts ----------------------------------------------------------


def test_pages_have_count_and_links(layers):
    first = get("/api/hotspots/", page_size=3).json()
    assert first["count"] == 4 and len(first["features"]) == 3
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/hotspots/?page=2&page_size=3"
    second = get("/api/hotspots/", page=2, page_size=3).json()
    assert [f["properties"]["name"] for f in second["features"]] == ["Taman Barat"]
    assert second["next"] is None
    assert get("/api/hotspots/", page=3, page_size=3).status_code == 404


def test_page_size_is_capped_at_1000(two_kelurahan):
    geom = make_hotspot(10, 10).geom
    Hotspot.objects.bulk_create(
        [Hotspot(name=f"H{i}", geom=geom, area=two_kelurahan[0],
                 operator="x", site_type="taman", coverage_radius_m=30) for i in range(1001)]
    )
    body = get("/api/hotspots/", page_size=5000).json()
    assert body["count"] == 1002 and len(body["features"]) == 1000


@pytest.mark.parametrize("path", ["/api/hotspots/", "/api/facilities/", "/api/fiber-nodes/",
                                  "/api/fiber-links/", "/api/areas/"])
def test_lists_take_two_queries_whatever_their_length(layers, path, django_assert_num_queries):
    for i in range(5):
        make_hotspot(600 + i, 600, name=f"Extra {i}")
        make_facility(600 + i, 600, name=f"Extra {i}")
        make_link(layers["n2"], make_node(600 + i, 600), name=f"Extra {i}")
    make_area("35.76.02.1001", square(0, 1))
    with django_assert_num_queries(2):  # COUNT(*) and one SELECT
        assert get(path).status_code == 200


def test_lists_do_not_load_the_kelurahan_boundaries(layers):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lon, lat = lonlat(1100, 500)
    with CaptureQueriesContext(connection) as queries:
        get("/api/hotspots/")
        get("/api/facilities/")
        get("/api/hotspots/nearest/", lat=lat, lon=lon)
    assert len(queries) == 5
    assert not any('"geo_adminarea"."geom"' in q["sql"] for q in queries)


def test_an_editor_list_adds_only_the_permission_lookup(layers, role_users,
                                                        django_assert_num_queries):
    with django_assert_num_queries(4):  # + the user's and the groups' permissions, once
        assert get("/api/hotspots/", role_users["editor"]).status_code == 200


# --- Public and internal fields -----------------------------------------------------------


@pytest.mark.parametrize(("role", "sees"), [("anonymous", False), ("user", False),
                                            ("editor", True), ("assessor", True),
                                            ("admin", True)])
def test_notes_are_internal(layers, role_users, role, sees):
    feature = get(f"/api/hotspots/{layers['h1'].pk}/", role_users[role]).json()
    assert ("notes" in feature["properties"]) is sees
    if sees:
        assert feature["properties"]["notes"] == "Kunci di pos satpam"


@pytest.mark.parametrize(("role", "sees"), [("anonymous", False), ("user", False),
                                            ("editor", True), ("assessor", True)])
def test_sensitive_fiber_details_are_internal(layers, role_users, role, sees):
    body = get("/api/fiber-links/", role_users[role]).json()
    props = {f["properties"]["name"]: f["properties"] for f in body["features"]}
    assert props["Feeder"]["fibre_count"] == 12  # not sensitive: public
    assert props["Trunk"]["is_sensitive"] is True
    assert props["Trunk"]["fibre_count"] == (24 if sees else None)
    assert props["Trunk"]["capacity_gbps"] == (10.0 if sees else None)
    assert props["Trunk"]["length_m"] == pytest.approx(1800.0, abs=0.01)


def test_source_and_external_id_are_public(layers):
    props = get(f"/api/hotspots/{layers['h1'].pk}/").json()["properties"]
    assert props["external_id"] == "DK-1" and props["source"] == ""


# --- Writes --------------------------------------------------------------------------------


def feature(dx, dy, **properties):
    lon, lat = lonlat(dx, dy)
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": properties}


HOTSPOT = {"name": "Alun-alun", "operator": "Diskominfo", "site_type": "taman"}


def test_editor_creates_a_hotspot_in_the_kelurahan_it_stands_in(two_kelurahan, role_users):
    response = client_for(role_users["editor"]).post(
        "/api/hotspots/", feature(1500, 500, **HOTSPOT), format="json"
    )
    assert response.status_code == 201, response.content
    props = response.json()["properties"]
    assert props["area_code"] == "35.76.01.1002"
    assert props["coverage_radius_m"] == 100
    assert Hotspot.objects.get().area == two_kelurahan[1]


def test_point_outside_every_area_is_400_naming_geom(two_kelurahan, role_users):
    response = client_for(role_users["editor"]).post(
        "/api/hotspots/", feature(5000, 500, **HOTSPOT), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"geom": [OUTSIDE_MESSAGE]}
    assert Hotspot.objects.count() == 0


def test_model_validation_runs_on_update(layers, role_users):
    api = client_for(role_users["editor"])
    url = f"/api/hotspots/{layers['h1'].pk}/"
    response = api.patch(url, {"decommissioned_on": "2019-01-01"}, format="json",
                         **if_match(api, url))
    assert response.status_code == 400
    assert response.json() == {
        "decommissioned_on": ["Tanggal berhenti tidak boleh sebelum tanggal mulai."]
    }
    response = api.patch(url, {"external_id": "DK-1"}, format="json",  # its own: fine
                         **if_match(api, url))
    assert response.status_code == 200
    other = f"/api/hotspots/{layers['h2'].pk}/"
    response = api.patch(other, {"external_id": "DK-1"}, format="json",
                         **if_match(api, other))
    assert response.status_code == 400
    assert response.json() == {"external_id": ["hotspot wifi dengan ID eksternal telah ada."]}


def test_moving_a_hotspot_reassigns_its_kelurahan(layers, role_users):
    api = client_for(role_users["editor"])
    url = f"/api/hotspots/{layers['h1'].pk}/"
    response = api.patch(url, {"type": "Feature", "geometry": feature(1700, 300)["geometry"],
                               "properties": {}}, format="json", **if_match(api, url))
    assert response.status_code == 200, response.content
    assert response.json()["properties"]["area_code"] == "35.76.01.1002"
    response = api.patch(url, {"type": "Feature", "geometry": feature(9000, 300)["geometry"],
                               "properties": {}}, format="json", **if_match(api, url))
    assert response.status_code == 400 and list(response.json()) == ["geom"]
    layers["h1"].refresh_from_db()
    assert layers["h1"].area.code == "35.76.01.1002"


def test_link_to_the_same_node_is_refused(layers, role_users):
    n1 = layers["n1"]
    body = {"type": "Feature",
            "geometry": {"type": "LineString",
                         "coordinates": [list(lonlat(100, 100)), list(lonlat(200, 100))]},
            "properties": {"name": "Loop", "start_node": n1.pk, "end_node": n1.pk}}
    response = client_for(role_users["editor"]).post("/api/fiber-links/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"end_node": ["Node akhir harus berbeda dari node awal."]}
    assert FiberLink.objects.count() == 2


def test_editor_creates_a_link_with_its_length_measured(layers, role_users):
    body = {"type": "Feature",
            "geometry": {"type": "LineString",
                         "coordinates": [list(lonlat(400, 100)), list(lonlat(400, 700))]},
            "properties": {"name": "Baru", "start_node": layers["n3"].pk,
                           "end_node": layers["n2"].pk, "fibre_count": 48}}
    response = client_for(role_users["editor"]).post("/api/fiber-links/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["properties"]["length_m"] == pytest.approx(600.0, abs=0.01)
