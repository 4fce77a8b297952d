"""The nearest-free-wifi endpoint: ranking by geodesic distance, fields, limits, errors, and
the explicit SQL held to `Hotspot.objects.nearest()`. Layout: the `layers` fixture
(tests/inventory/conftest.py)."""

import datetime

import pytest
from pyproj import Geod

from inventory.models import Hotspot
from tests.api_support import client_for
from tests.factories import lonlat, make_hotspot

pytestmark = pytest.mark.django_db
GEOD = Geod(ellps="WGS84")


def get(path, **params):
    return client_for(None).get(path, params)


def nearest(**params):
    return get("/api/hotspots/nearest/", **params)


def test_nearest_ranks_working_hotspots_by_geodesic_distance(layers):
    lon, lat = lonlat(1100, 500)  # in the east kelurahan
    response = nearest(lat=lat, lon=lon)
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    found = [(f["properties"]["name"], f["properties"]["distance_m"]) for f in body["features"]]
    # h2 is down (400 m away), h3 decommissioned, h4 not free: only h1 works, 600 m away.
    assert [name for name, _ in found] == ["Taman Barat"]
    assert found[0][1] == round(GEOD.inv(lon, lat, *lonlat(500, 500))[2], 1)
    # Geodesic and UTM metres differ by the scale factor here (0.09 m per km).
    assert found[0][1] == pytest.approx(600.0, abs=0.15)


def test_editors_may_ask_for_another_status_and_the_public_may_not(layers, role_users):
    lon, lat = lonlat(1100, 500)
    refused = nearest(lat=lat, lon=lon, status="down")
    assert refused.status_code == 403
    assert refused.json()["detail"] == ("Filter status hanya untuk editor; tanpa filter, "
                                        "hasilnya hotspot yang berfungsi.")
    body = client_for(role_users["editor"]).get("/api/hotspots/nearest/",
                                {"lat": lat, "lon": lon, "status": "down"}).json()
    assert [f["properties"]["name"] for f in body["features"]] == ["Kantor Timur"]


def test_nearest_features_have_the_documented_fields(layers):
    from inventory.api.serializers.assets import NearestHotspotSerializer

    lon, lat = lonlat(1100, 500)
    feature = nearest(lat=lat, lon=lon).json()["features"][0]
    assert set(feature) == {"id", "type", "geometry", "properties"}
    documented = [f for f in NearestHotspotSerializer.Meta.fields if f not in ("id", "geom")]
    assert list(feature["properties"]) == documented == [
        "name", "ssid", "operator", "site_type", "placement", "status", "opening_hours",
        "coverage_radius_m", "area_code", "distance_m",
    ]
    assert feature["properties"]["area_code"] == "35.76.01.1001"
    assert feature["geometry"]["coordinates"] == [round(c, 7) for c in lonlat(500, 500)]


def test_nearest_crosses_kelurahan_borders(layers):
    lon, lat = lonlat(1100, 500)  # east kelurahan; the only active one stands in the west
    body = nearest(lat=lat, lon=lon, limit=1).json()
    assert [f["properties"]["name"] for f in body["features"]] == ["Taman Barat"]
    assert body["features"][0]["properties"]["area_code"] == "35.76.01.1001"


def test_nearest_limit(layers):
    lon, lat = lonlat(0, 0)
    body = nearest(lat=lat, lon=lon, limit=1).json()
    assert [f["properties"]["name"] for f in body["features"]] == ["Taman Barat"]


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"lon": "112.4"}, {"lat": ["Parameter lat wajib berupa angka: lintang WGS 84 dalam "
                                    "derajat (-90 sampai 90)."]}),
        ({"lat": "-7.4"}, {"lon": ["Parameter lon wajib berupa angka: bujur WGS 84 dalam "
                                   "derajat (-180 sampai 180)."]}),
        ({"lat": "abc", "lon": "112.4"}, {"lat": ["Parameter lat wajib berupa angka: lintang "
                                                  "WGS 84 dalam derajat (-90 sampai 90)."]}),
        ({"lat": "-91", "lon": "112.4"}, {"lat": ["lat harus antara -90 dan 90 derajat."]}),
        ({"lat": "-7.4", "lon": "181"}, {"lon": ["lon harus antara -180 dan 180 derajat."]}),
        ({"lat": "-7.4", "lon": "112.4", "limit": "0"},
         {"limit": ["Isi bidang ini harus lebih atau sama dengan 1."]}),
        ({"lat": "-7.4", "lon": "112.4", "limit": "51"},
         {"limit": ["Isi bidang ini harus kurang atau sama dengan 50."]}),
    ],
)
def test_nearest_refuses_bad_coordinates(params, errors):
    response = nearest(**params)
    assert response.status_code == 400
    assert response.json() == errors


def test_nearest_uses_the_knn_operator(layers, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lon, lat = lonlat(1100, 500)
    with CaptureQueriesContext(connection) as queries:
        nearest(lat=lat, lon=lon)
    assert len(queries) == 1
    assert "<->" in queries[0]["sql"]


def test_nearest_sql_and_the_orm_query_find_the_same_hotspots_and_distances(layers):
    from django.contrib.gis.geos import Point

    from inventory.querysets import nearest_free_hotspots

    for i in range(12):
        make_hotspot(50 + 150 * i, 850 - 50 * i, name=f"Titik {i}")
    today = datetime.date(2025, 6, 1)
    for dx, dy, status in [(1100, 500, None), (0, 0, None), (700, 400, "active"),
                           (1900, 900, "down")]:
        point = Point(*lonlat(dx, dy), srid=4326)
        for limit in (1, 5, 50):
            rows = nearest_free_hotspots(point, limit, status, today=today)
            orm = (Hotspot.objects.with_status(status, today) if status
                   else Hotspot.objects.working(today))
            expected = list(orm.nearest(point, limit))
            assert [row["id"] for row in rows] == [h.pk for h in expected]
            assert [row["distance_m"] for row in rows] == pytest.approx(
                [h.distance_m for h in expected], abs=1e-6)
            assert [row["area_code"] for row in rows] == [h.area.code for h in expected]
    # 16 hotspots, of which h2 (down), h3 (decommissioned) and h4 (paid) do not work.
    assert len(nearest_free_hotspots(Point(*lonlat(0, 0), srid=4326), 50, today=today)) == 13
