"""`area_m2` is derived by PostgreSQL from `geom`, whichever path writes the area:
`load_areas`, `save_area` (API and admin), the dissolve of derived parents, the demo load.

The square is 1000 m × 1000 m in UTM 49S (the analysis CRS), stored in EPSG:4326: its area
is 1,000,000 m² by hand. Its four corners are transformed exactly, and straight edges stay
straight in both CRS, so PostGIS measures it back to within 1 m².
"""

import geopandas as gpd
import pytest
import shapely
from django.db import connection
from django.test import Client

from fixtures.demo import build_demo
from fixtures.loader import load_demo
from geo.models import AdminArea
from geo.services import load_areas
from tests.api_support import client_for, if_match
from tests.factories import save_utm_area, square, strip, to_storage

pytestmark = pytest.mark.django_db

SQUARE_M2 = 1000 * 1000  # one square(0, 0)
RECTANGLE_M2 = 1000 * 1500  # strip(0, 1500)


def wgs84(geom_utm):
    """A UTM polygon as a shapely geometry in longitude/latitude."""
    return shapely.from_wkb(bytes(to_storage(geom_utm).wkb))


def test_area_m2_is_a_stored_generated_column_of_both_tables():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, is_generated, generation_expression "
            "FROM information_schema.columns WHERE column_name = 'area_m2' "
            "AND table_name IN ('geo_adminarea', 'geo_historicaladminarea') ORDER BY 1")
        rows = cursor.fetchall()
    expression = "st_area(st_transform(geom, 32749))"
    assert rows == [("geo_adminarea", "ALWAYS", expression),
                    ("geo_historicaladminarea", "ALWAYS", expression)]


def test_load_areas_from_a_file(tmp_path):
    path = tmp_path / "kelurahan.geojson"
    frame = gpd.GeoDataFrame({"kode": ["35.76.01.1001"], "nama": ["Barat"]},
                             geometry=[wgs84(square(0, 0))], crs=4326)
    frame.to_file(path, driver="GeoJSON")

    load_areas(path, level="kelurahan", code_field="kode", name_field="nama")

    assert AdminArea.objects.get(code="35.76.01.1001").area_m2 == pytest.approx(
        SQUARE_M2, abs=1)
    # The derived kecamatan, kota and provinsi are dissolved from this one kelurahan.
    for code in ("35.76.01", "35.76", "35"):
        assert AdminArea.objects.get(code=code).area_m2 == pytest.approx(SQUARE_M2, abs=1)
    history = AdminArea.history.get(code="35.76.01.1001")
    assert history.area_m2 == pytest.approx(SQUARE_M2, abs=1)


def test_save_area_returns_the_derived_value_and_dissolves_it_into_the_parent():
    barat = save_utm_area("35.76.01.1001", square(0, 0), "Barat")
    assert barat.area_m2 == pytest.approx(SQUARE_M2, abs=1)
    assert AdminArea.objects.get(code="35.76.01").area_m2 == pytest.approx(SQUARE_M2, abs=1)

    save_utm_area("35.76.01.1002", square(1, 0), "Timur")

    # Two squares side by side: the derived kecamatan is their union, 2 km².
    kecamatan = AdminArea.objects.get(code="35.76.01")
    assert kecamatan.area_m2 == pytest.approx(2 * SQUARE_M2, abs=2)
    assert AdminArea.history.filter(code="35.76.01").latest("history_id").area_m2 == (
        pytest.approx(2 * SQUARE_M2, abs=2))


def test_api_post_and_a_geometry_patch(role_users):
    api = client_for(role_users["editor"])
    feature = {"type": "Feature", "id": "35.76.01.1001", "properties": {"name": "Barat"},
               "geometry": shapely.geometry.mapping(wgs84(square(0, 0)))}

    created = api.post("/api/areas/", feature, format="json")

    assert created.status_code == 201, created.content
    assert created.json()["properties"]["area_m2"] == pytest.approx(SQUARE_M2, abs=1)
    assert AdminArea.objects.get(code="35.76.01.1001").area_m2 == pytest.approx(
        SQUARE_M2, abs=1)

    url = "/api/areas/35.76.01.1001/"
    changed = api.patch(url, {"type": "Feature", "properties": {},
                                "geometry": shapely.geometry.mapping(wgs84(strip(0, 1500)))},
                        format="json", **if_match(api, url))

    assert changed.status_code == 200, changed.content
    assert changed.json()["properties"]["area_m2"] == pytest.approx(RECTANGLE_M2, abs=1)
    assert AdminArea.objects.get(code="35.76.01").area_m2 == pytest.approx(RECTANGLE_M2, abs=1)


def test_admin_add(role_users):
    editor = role_users["editor"]
    editor.is_staff = True
    editor.save()
    browser = Client()
    browser.force_login(editor)
    boundary = to_storage(shapely.MultiPolygon([square(0, 0)])).ewkt

    response = browser.post("/admin/geo/adminarea/add/", {
        "code": "35.76.01.1001", "name": "Barat", "geom": boundary, "population": "",
        "population_year": "", "population_source": "", "source": "SK 1/2025"})

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert AdminArea.objects.get(code="35.76.01.1001").area_m2 == pytest.approx(
        SQUARE_M2, abs=1)


def test_a_plain_sql_update_of_the_boundary_is_measured_again():
    save_utm_area("35.76.01.1001", square(0, 0), "Barat")

    AdminArea.objects.filter(code="35.76.01.1001").update(geom=to_storage(
        shapely.MultiPolygon([strip(0, 1500)])))

    assert AdminArea.objects.get(code="35.76.01.1001").area_m2 == pytest.approx(
        RECTANGLE_M2, abs=1)



def test_the_demo_load():
    data = build_demo()
    expected = dict(zip(data.kelurahan["code"], data.kelurahan.to_crs(32749).area,
                        strict=True))

    load_demo(data)

    stored = dict(AdminArea.objects.leaves().values_list("code", "area_m2"))
    assert stored.keys() == expected.keys()
    for code, area_m2 in expected.items():
        assert stored[code] == pytest.approx(area_m2, abs=1), code
    # The kota is the dissolve of its kelurahan: the area of their union (the real polygons
    # overlap by slivers, so it is 0.0119 km² less than their sum).
    union = shapely.union_all(data.kelurahan.to_crs(32749).geometry)
    assert AdminArea.objects.get(code="35.76").area_m2 == pytest.approx(union.area, rel=1e-6)
    assert sum(expected.values()) - union.area == pytest.approx(11_860, abs=500)
