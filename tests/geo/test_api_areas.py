"""Areas API: GeoJSON by code, filters, and per-layer summaries of an area and its children.

Areas: 35.76.01.1001 Barat (west square), 35.76.01.1002 Timur (east square), 35.76.02.1001
Utara (north of Barat); their parents are created by the factory.
"""

import datetime

import pytest
from pyproj import Transformer

from tests.api_support import client_for
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
TO_UTM = Transformer.from_crs(4326, 32749, always_xy=True)


@pytest.fixture
def areas(two_kelurahan):
    """The three kelurahan and their parents."""
    return {a.code: a for a in [*two_kelurahan, make_area("35.76.02.1001", square(0, 1),
                                                          name="Utara", population=500)]}


def get(path, **params):
    return client_for(None).get(path, params)


def codes(response):
    assert response.status_code == 200, response.content
    return sorted(f["id"] for f in response.json()["features"])


def test_areas_are_geojson_multipolygons_identified_by_code(areas):
    body = get("/api/areas/", level=4).json()
    assert body["type"] == "FeatureCollection" and "crs" not in body and body["count"] == 3
    east = next(f for f in body["features"] if f["id"] == "35.76.01.1002")
    assert east["geometry"]["type"] == "MultiPolygon"
    ring = east["geometry"]["coordinates"][0][0]
    assert ring[0] == ring[-1] and len(ring) == 5
    corners = sorted(TO_UTM.transform(lon, lat) for lon, lat in ring[:4])
    assert corners[0] == pytest.approx((658000.0, 9174000.0), abs=0.01)  # lon first
    assert corners[-1] == pytest.approx((659000.0, 9175000.0), abs=0.01)
    props = east["properties"]
    assert props["name"] == "Timur" and props["parent"] == "35.76.01"
    assert props["level"] == 4 and props["kind"] == "kelurahan"
    assert props["population"] == 3000 and props["population_year"] == 2023
    assert props["area_m2"] == pytest.approx(1_000_000.0, abs=1.0)


def test_area_detail_by_code(areas):
    body = get("/api/areas/35.76.02/").json()
    assert body["id"] == "35.76.02" and body["properties"]["kind"] == "kecamatan"
    assert body["properties"]["parent"] == "35.76"
    assert get("/api/areas/35.76/").json()["properties"]["kind"] == "kota"
    assert get("/api/areas/35/").json()["properties"]["parent"] is None
    assert get("/api/areas/35.99/").status_code == 404
    assert get("/api/areas/abc/").status_code == 404


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level": "3"}, ["35.76.01", "35.76.02"]),
        ({"level": ["1", "2"]}, ["35", "35.76"]),
        ({"type": "kota"}, ["35.76"]),
        ({"parent": "35.76"}, ["35.76.01", "35.76.02"]),
        ({"parent": "357601"}, ["35.76.01.1001", "35.76.01.1002"]),
        ({"area": "35.76.01"}, ["35.76.01", "35.76.01.1001", "35.76.01.1002"]),
        ({"search": "timur"}, ["35.76.01.1002"]),
        ({"search": "76.02"}, ["35.76.02", "35.76.02.1001"]),
        ({"in_bbox": "east", "level": "4"}, ["35.76.01.1002"]),
        ({"point": "north", "distance_m": "150", "level": "4"}, []),
        ({"point": "north", "distance_m": "250", "level": "4"}, ["35.76.02.1001"]),
    ],
)
def test_area_filters(areas, params, expected):
    if params.get("in_bbox") == "east":
        params["in_bbox"] = "{},{},{},{}".format(*lonlat(1200, 200), *lonlat(1800, 800))
    if params.get("point") == "north":
        params["point"] = "{},{}".format(*lonlat(500, 2200))  # 200 m north of Utara
    assert codes(get("/api/areas/", **params)) == expected


def test_bad_area_code_is_400(areas):
    response = get("/api/areas/", parent="35.7.1")
    assert response.status_code == 400
    assert response.json() == {
        "parent": ["35.7.1 bukan kode wilayah Kemendagri (mis. 35.76 atau 35.76.01.1003)."]
    }


@pytest.fixture
def registry(areas):
    """Records in the three kelurahan; a link crosses from Barat into Timur."""
    make_hotspot(500, 500, name="Barat aktif")
    make_hotspot(300, 300, name="Barat lama", status="decommissioned",
                 installed_on=datetime.date(2019, 1, 1),
                 decommissioned_on=datetime.date(2021, 1, 1))
    make_hotspot(1500, 500, name="Timur mati", status="down")
    make_hotspot(500, 1500, name="Utara berbayar", is_free=False)
    make_hotspot(600, 1500, name="Utara aktif")
    make_facility(200, 200, name="Kantor Barat")
    make_facility(400, 1400, name="Sekolah Utara", facility_type="sekolah_sd")
    a, b = make_node(100, 100, name="A"), make_node(1900, 100, name="B")
    c = make_node(100, 1900, name="C")
    make_link(a, b, name="Barat-Timur")
    make_link(a, c, name="Barat-Utara")


def counts(hotspots, active, facilities, nodes, links):
    return {"hotspots": hotspots, "hotspots_active_free": active, "facilities": facilities,
            "fiber_nodes": nodes, "fiber_links": links}


def test_summary_of_a_kota_counts_each_kecamatan(registry, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = get("/api/areas/35.76/summary/")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "35.76" and body["kind"] == "kota"
    assert body["as_of"] == datetime.date.today().isoformat()
    assert body["counts"] == counts(4, 2, 2, 3, 2)
    assert [(c["code"], c["counts"]) for c in body["children"]] == [
        ("35.76.01", counts(2, 1, 1, 2, 2)),
        ("35.76.02", counts(2, 1, 1, 1, 1)),
    ]


def test_summary_counts_a_crossing_link_in_each_kelurahan_and_once_in_total(registry):
    body = get("/api/areas/35.76.01/summary/").json()
    assert body["counts"] == counts(2, 1, 1, 2, 2)
    assert [(c["code"], c["name"], c["population"], c["counts"]) for c in body["children"]] == [
        ("35.76.01.1001", "Barat", 1000, counts(1, 1, 1, 1, 2)),
        ("35.76.01.1002", "Timur", 3000, counts(1, 0, 0, 1, 1)),
    ]


def test_summary_of_a_kelurahan_has_no_children(registry):
    body = get("/api/areas/35.76.01.1002/summary/").json()
    assert body["counts"] == counts(1, 0, 0, 1, 1) and body["children"] == []


def test_summary_as_of_a_date(registry):
    body = get("/api/areas/35.76.01.1001/summary/", as_of="2020-06-01").json()
    assert body["as_of"] == "2020-06-01"
    assert body["counts"]["hotspots"] == 2  # the decommissioned one was still in service
    response = get("/api/areas/35.76.01.1001/summary/", as_of="yesterday")
    assert response.status_code == 400 and list(response.json()) == ["as_of"]
