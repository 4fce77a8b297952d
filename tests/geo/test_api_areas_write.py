"""Writing areas through the API: create, update, delete by role, with If-Match, parent
dissolves, point assets following the boundaries, and every refusal's message.

Layout, metres from ORIGIN: Barat 35.76.01.1001 is x 0–1000 (1,000 people), Timur
35.76.01.1002 is x 1000–2000 (3,000 people), both y 0–1000; their kecamatan, kota and
provinsi are derived (dissolved), as `load_areas` makes them.
"""

import json

import pytest
import shapely
from pyproj import Transformer

from core.api.concurrency import etag_for
from geo.constants import DERIVED_SOURCE
from geo.models import AdminArea
from inventory.models import Facility, Hotspot
from tests.api_support import client_for, if_match
from tests.factories import (
    lonlat,
    make_facility,
    make_hotspot,
    strip,
    to_storage,
)

pytestmark = pytest.mark.django_db
TO_UTM = Transformer.from_crs(4326, 32749, always_xy=True)


def geojson(geom_utm) -> dict:
    """A UTM geometry as a GeoJSON geometry in longitude/latitude."""
    return json.loads(to_storage(geom_utm).geojson)


def in_utm(area):
    """The stored boundary of an area as a shapely geometry in UTM 49S metres."""
    wgs = shapely.from_wkb(bytes(area.geom.wkb))
    return shapely.transform(wgs, TO_UTM.transform, interleaved=False)


@pytest.fixture
def editor(role_users):
    return client_for(role_users["editor"])


def feature(code=None, geom=None, **properties) -> dict:
    body = {"type": "Feature", "properties": properties}
    if code is not None:
        body["id"] = code
    if geom is not None:
        body["geometry"] = geojson(geom)
    return body


def patch(api, code, body):
    url = f"/api/areas/{code}/"
    return api.patch(url, body, format="json", **if_match(api, url))


def outside_message(hotspot, dx, dy) -> str:
    lon, lat = lonlat(dx, dy)
    return (f"Hotspot wifi {hotspot.pk} “{hotspot.name}” (bujur {lon:.6f}, lintang {lat:.6f}) "
            "akan berada di luar semua desa/kelurahan; pindahkan atau hapus terlebih dahulu.")


# --- create --------------------------------------------------------------------------------


def test_create_a_desa_dissolves_it_into_its_parents(kelurahan, role_users, editor):
    response = editor.post("/api/areas/", feature(
        "3576011003", strip(2000, 3000), name="Selatan", population=2000,
        population_year=2023, population_source="BPS", source="SK Wali Kota 1/2025",
    ), format="json")

    assert response.status_code == 201, response.content
    area = AdminArea.objects.get(code="35.76.01.1003")
    assert response["ETag"] == etag_for(area)
    body = response.json()
    assert body["id"] == "35.76.01.1003"
    props = body["properties"]
    assert (props["level"], props["kind"], props["parent"]) == (4, "kelurahan", "35.76.01")
    assert (props["name"], props["population"], props["source"]) == (
        "Selatan", 2000, "SK Wali Kota 1/2025")
    assert props["area_m2"] == pytest.approx(1_000_000, abs=1)
    # Three 1 km² squares in a row: the kecamatan is their 3 km × 1 km union, 6,000 people.
    expected = strip(0, 3000)
    for code in ("35.76.01", "35.76", "35"):
        parent = AdminArea.objects.get(code=code)
        assert (parent.source, parent.population, parent.population_year) == (
            DERIVED_SOURCE, 6000, 2023)
        assert parent.area_m2 == pytest.approx(3_000_000, abs=1)
        assert in_utm(parent).symmetric_difference(expected).area < 0.01
    last = AdminArea.history.filter(code="35.76.01").latest("history_id")
    assert (last.history_type, last.population, last.history_user,
            last.history_change_reason) == ("~", 6000, role_users["editor"],
                                            "save_area 35.76.01.1003")
    created = AdminArea.history.get(code="35.76.01.1003")
    assert (created.history_type, created.history_user) == ("+", role_users["editor"])


def test_create_in_a_new_kecamatan_creates_it(kelurahan, editor):
    response = editor.post("/api/areas/", feature(
        "35.76.02.2001", strip(0, 1000), name="Desa Utara"), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["properties"]["kind"] == "desa"
    kecamatan = AdminArea.objects.get(code="35.76.02")
    assert (kecamatan.name, kecamatan.source, kecamatan.population) == (
        "35.76.02", DERIVED_SOURCE, None)
    assert kecamatan.area_m2 == pytest.approx(1_000_000, abs=1)
    # The kota's people are unknown once one desa has no population.
    kota = AdminArea.objects.get(code="35.76")
    assert kota.population is None
    assert kota.area_m2 == pytest.approx(2_000_000, abs=1)


def test_create_refuses_an_existing_code_and_a_bad_one(kelurahan, editor):
    response = editor.post("/api/areas/", feature("35.76.01.1001", strip(0, 1000), name="X"),
                           format="json")
    assert response.status_code == 400
    assert response.json() == {"code": [
        "Wilayah dengan kode 35.76.01.1001 sudah ada; ubah dengan PUT atau PATCH "
        "/api/areas/35.76.01.1001/."]}
    response = editor.post("/api/areas/", feature("35.7.1", strip(0, 1000), name="X"),
                           format="json")
    assert response.json() == {"code": [
        "35.7.1 bukan kode wilayah Kemendagri (mis. 35.76 atau 35.76.01.1003)."]}


BOWTIE = {"type": "Polygon", "coordinates": [[[112.40, -7.50], [112.41, -7.49], [112.41, -7.50],
                                               [112.40, -7.49], [112.40, -7.50]]]}


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        (BOWTIE, "Geometri tidak valid: Self-intersection[112.405 -7.495]."),
        ({"type": "Point", "coordinates": [112.47, -7.46]},
         "Batas wilayah harus berupa Polygon atau MultiPolygon, bukan Point."),
        (json.loads(shapely.to_geojson(strip(0, 1000))),
         "Koordinat harus berupa bujur dan lintang WGS 84 (EPSG:4326)."),
        ({"type": "MultiPolygon", "coordinates": []}, "Batas wilayah tidak boleh kosong."),
    ],
)
def test_a_bad_boundary_is_refused_naming_the_field(kelurahan, editor, geometry, message):
    body = {"type": "Feature", "id": "35.76.01.1003", "geometry": geometry,
            "properties": {"name": "Selatan"}}
    response = editor.post("/api/areas/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"geom": [message]}
    assert not AdminArea.objects.filter(code="35.76.01.1003").exists()


def test_population_needs_its_year(kelurahan, editor):
    response = editor.post("/api/areas/", feature(
        "35.76.01.1003", strip(2000, 3000), name="Selatan", population=2000), format="json")
    assert response.status_code == 400
    assert response.json() == {"population_year": [
        "Tahun penduduk wajib diisi bila jumlah penduduk diisi."]}


# --- update --------------------------------------------------------------------------------


def test_update_moves_a_hotspot_to_the_neighbouring_kelurahan(kelurahan, role_users, editor):
    hotspot = make_hotspot(1100, 500, name="Taman Timur")
    assert hotspot.area.code == "35.76.01.1002"
    url = f"/api/hotspots/{hotspot.pk}/"
    hotspot_etag = editor.get(url)["ETag"]

    response = patch(editor, "35.76.01.1001", feature(geom=strip(0, 1200)))

    assert response.status_code == 200, response.content
    barat = AdminArea.objects.get(code="35.76.01.1001")
    assert response["ETag"] == etag_for(barat)
    assert response.json()["properties"]["area_m2"] == pytest.approx(1_200_000, abs=1)
    assert editor.get(url).json()["properties"]["area_code"] == "35.76.01.1001"
    assert editor.get(url)["ETag"] != hotspot_etag  # the hotspot's version moved too
    last = Hotspot.history.filter(id=hotspot.pk).latest("history_id")
    assert (last.history_type, last.area_id, last.history_user,
            last.history_change_reason) == (
        "~", barat.pk, role_users["editor"], "save_area 35.76.01.1001: desa/kelurahan re-assigned")
    history = editor.get(f"{url}history/").json()
    assert history[0]["changes"] == [
        {"field": "area", "old": kelurahan["timur"].pk, "new": barat.pk}]


def test_a_boundary_leaving_a_hotspot_outside_is_400_and_nothing_is_written(kelurahan,
                                                                              editor):
    hotspot = make_hotspot(900, 500, name="Taman Barat")
    before = AdminArea.objects.get(code="35.76.01.1001")
    history = (AdminArea.history.count(), Hotspot.history.count())

    response = patch(editor, "35.76.01.1001", feature(geom=strip(0, 800), name="Barat Kecil"))

    assert response.status_code == 400
    assert response.json() == {"geom": [outside_message(hotspot, 900, 500)]}
    after = AdminArea.objects.get(code="35.76.01.1001")
    assert (after.name, after.geom, after.area_m2, after.last_updated) == (
        "Barat", before.geom, before.area_m2, before.last_updated)
    assert AdminArea.objects.get(code="35.76.01").area_m2 == pytest.approx(2_000_000, abs=1)
    assert (AdminArea.history.count(), Hotspot.history.count()) == history
    assert Hotspot.objects.get().area_id == before.pk


def test_patch_of_the_name_keeps_the_rest(kelurahan, editor):
    response = patch(editor, "35.76.01.1002", feature(name="Timur Raya"))
    assert response.status_code == 200, response.content
    timur = AdminArea.objects.get(code="35.76.01.1002")
    assert (timur.name, timur.population, timur.population_year, timur.population_source) == (
        "Timur Raya", 3000, 2023, "BPS")
    assert timur.geom == kelurahan["timur"].geom


def test_patch_of_the_source_alone_is_saved(kelurahan, editor):
    response = patch(editor, "35.76.01.1002", feature(source="SK Wali Kota 2/2025"))
    assert response.status_code == 200, response.content
    assert AdminArea.objects.get(code="35.76.01.1002").source == "SK Wali Kota 2/2025"


def test_put_of_the_read_feature_round_trips(kelurahan, editor):
    url = "/api/areas/35.76.01.1002/"
    read = editor.get(url)
    body = read.json()
    body["properties"]["population"] = 3100
    response = editor.put(url, body, format="json", HTTP_IF_MATCH=read["ETag"])
    assert response.status_code == 200, response.content
    assert AdminArea.objects.get(code="35.76.01").population == 4100


def test_the_code_cannot_change(kelurahan, editor):
    message = ("Kode wilayah tidak dapat diubah (35.76.01.1001 menjadi 35.76.01.1009). Buat "
               "wilayah baru dengan kode 35.76.01.1009, lalu hapus wilayah ini bila perlu.")
    response = patch(editor, "35.76.01.1001", feature(code="35.76.01.1009"))
    assert (response.status_code, response.json()) == (400, {"code": [message]})
    response = patch(editor, "35.76.01.1001", {"properties": {"code": "3576011009"}})
    assert (response.status_code, response.json()) == (400, {"code": [message]})
    assert patch(editor, "35.76.01.1001", feature(code="3576011001")).status_code == 200


def test_derived_parents_keep_their_dissolved_boundary(kelurahan, editor):
    response = patch(editor, "35.76.01", feature(geom=strip(0, 500)))
    assert response.status_code == 400
    assert response.json() == {"source": [
        "Batas dan penduduk wilayah turunan adalah gabungan dan jumlah wilayah di bawahnya: "
        "ubahlah wilayah di bawahnya, atau isi sumber lain agar wilayah ini memakai batas "
        "dan penduduknya sendiri."]}
    response = patch(editor, "35.76.01", feature(name="Prajuritkulon"))
    assert response.status_code == 200, response.content
    kecamatan = AdminArea.objects.get(code="35.76.01")
    assert (kecamatan.name, kecamatan.source, kecamatan.population) == (
        "Prajuritkulon", DERIVED_SOURCE, 4000)
    response = patch(editor, "35.76.01", feature(geom=strip(0, 2000), source="Perda 3/2020"))
    assert response.status_code == 200, response.content
    assert AdminArea.objects.get(code="35.76.01").source == "Perda 3/2020"


def test_writes_need_if_match(kelurahan, editor):
    url = "/api/areas/35.76.01.1001/"
    assert editor.patch(url, feature(name="X"), format="json").status_code == 428
    etag = editor.get(url)["ETag"]
    assert patch(editor, "35.76.01.1001", feature(name="Baru")).status_code == 200
    stale = editor.patch(url, feature(name="Lagi"), format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert AdminArea.objects.get(code="35.76.01.1001").name == "Baru"


# --- delete --------------------------------------------------------------------------------


def test_delete_is_409_while_assets_remain(kelurahan, editor):
    make_hotspot(100, 100), make_hotspot(200, 200), make_facility(300, 300)
    url = "/api/areas/35.76.01.1001/"
    response = editor.delete(url, **if_match(editor, url))
    assert response.status_code == 409
    assert response.json() == {"detail": (
        "Kelurahan Barat (35.76.01.1001) masih memiliki 1 fasilitas, 2 hotspot; pindahkan "
        "atau hapus terlebih dahulu.")}
    assert AdminArea.objects.filter(code="35.76.01.1001").exists()
    assert Facility.objects.get().area.code == "35.76.01.1001"


def test_delete_of_a_parent_is_409_while_it_has_children(kelurahan, editor):
    url = "/api/areas/35.76.01/"
    response = editor.delete(url, **if_match(editor, url))
    assert response.status_code == 409
    assert response.json() == {"detail": (
        "Kecamatan 35.76.01 (35.76.01) masih memiliki 2 kelurahan; pindahkan atau hapus "
        "terlebih dahulu.")}


def test_delete_of_an_empty_desa_dissolves_its_parents(kelurahan, editor):
    url = "/api/areas/35.76.01.1002/"
    response = editor.delete(url, **if_match(editor, url))
    assert response.status_code == 204
    assert editor.get(url).status_code == 404
    kecamatan = AdminArea.objects.get(code="35.76.01")
    assert kecamatan.population == 1000
    assert kecamatan.area_m2 == pytest.approx(1_000_000, abs=1)
    assert in_utm(kecamatan).symmetric_difference(strip(0, 1000)).area < 0.01
    history = editor.get(f"{url}history/").json()
    assert [(h["type"], h["user"]) for h in history] == [
        ("-", "u-editor"), ("+", "")]


# --- roles ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "create", "update", "delete"),
    [
        ("anonymous", 401, 401, 401),
        ("user", 403, 403, 403),
        ("assessor", 403, 403, 403),
        ("editor", 201, 200, 204),
        ("admin", 201, 200, 204),
    ],
)
def test_area_writes_by_role(kelurahan, role_users, role, create, update, delete):
    api = client_for(role_users[role])
    created = api.post("/api/areas/", feature("35.76.01.1003", strip(2000, 3000),
                                              name="Selatan"), format="json")
    assert created.status_code == create
    url = "/api/areas/35.76.01.1002/"
    headers = {"HTTP_IF_MATCH": client_for(None).get(url)["ETag"]}
    assert api.patch(url, feature(name="Timur Raya"), format="json",
                     **headers).status_code == update
    headers = {"HTTP_IF_MATCH": client_for(None).get(url)["ETag"]}
    assert api.delete(url, **headers).status_code == delete
    expected = {"35.76.01.1001"} | ({"35.76.01.1003"} if create == 201 else {"35.76.01.1002"})
    assert set(AdminArea.objects.leaves().values_list("code", flat=True)) == expected
