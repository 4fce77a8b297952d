"""Import: every format in, every kind of bad input refused with its exact message, nothing
written on error, dry run, update mode, the command, the API endpoint and the admin page."""

import datetime
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import shapely
from django.contrib.auth.models import Group, User
from django.contrib.gis.geos import GEOSGeometry
from django.core.management import call_command
from django.core.management.base import CommandError

from geo.models import AdminArea
from inventory.io.importer import import_file
from inventory.models import Facility, FiberLink, FiberNode, Hotspot
from tests.factories import lonlat, make_area, make_hotspot, make_node

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data" / "import"
WEST = lonlat(500, 500)  # (lon, lat) in the west kelurahan 35.76.01.1001
EAST = lonlat(1500, 500)  # in the east kelurahan 35.76.01.1002


def errors(report):
    return [str(issue) for issue in report.errors]


def write_csv(path, text):
    path.write_text(text, encoding="utf-8")
    return path


# --- formats in ------------------------------------------------------------------------


def test_semicolon_csv_with_bom_decimal_comma_and_indonesian_headers(two_kelurahan):
    west, east = two_kelurahan
    report = import_file("hotspots", DATA / "hotspots_semicolon_bom.csv")
    assert report.ok, errors(report)
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    taman = Hotspot.objects.get(external_id="DK-1")
    assert taman.name == "Taman Barat"
    assert taman.area == west
    assert taman.site_type == "taman"  # matched by its label "Taman / ruang publik"
    assert taman.status == "active"  # matched by its label "Aktif"
    assert taman.bandwidth_mbps == Decimal("10.5")
    assert taman.installed_on == datetime.date(2021, 2, 1)
    assert taman.geom.x == pytest.approx(112.4272902, abs=1e-9)
    assert taman.coverage_radius_m == 100  # outdoor default, as Hotspot.save() sets it
    assert taman.source == "hotspots_semicolon_bom.csv"
    kantor = Hotspot.objects.get(external_id="DK-2")
    assert (kantor.area, kantor.is_free) == (east, False)
    # Every created record has its creation history row.
    assert Hotspot.history.filter(history_type="+").count() == 2


@pytest.mark.parametrize(("lat_name", "lon_name"), [
    ("lat", "lon"), ("latitude", "longitude"), ("lintang", "bujur"), ("y", "x"), ("LAT", "lng"),
])
def test_csv_coordinate_column_names(two_kelurahan, tmp_path, lat_name, lon_name):
    path = write_csv(tmp_path / "h.csv", f"name,operator,site_type,{lat_name},{lon_name}\n"
                                         f"A,Diskominfo,taman,{WEST[1]},{WEST[0]}\n")
    report = import_file("hotspots", path)
    assert report.ok, errors(report)
    assert Hotspot.objects.get().area == two_kelurahan[0]


def test_csv_with_wkt_column_and_declared_crs(two_kelurahan, tmp_path):
    path = write_csv(tmp_path / "h.csv", "name,operator,site_type,wkt\n"
                                         "A,Diskominfo,taman,POINT (658500 9174500)\n")
    report = import_file("hotspots", path, crs="EPSG:32749")
    assert report.ok, errors(report)
    hotspot = Hotspot.objects.get()
    assert hotspot.area == two_kelurahan[1]
    assert (hotspot.geom.x, hotspot.geom.y) == pytest.approx(EAST, abs=1e-7)


def test_xlsx_with_native_dates_and_numbers(two_kelurahan, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name", "external_id", "operator", "site_type", "latitude", "longitude",
                  "installed_on", "coverage_radius_m", "ssid"])
    sheet.append(["A", 1001, "Diskominfo", "taman", WEST[1], WEST[0],
                  datetime.datetime(2020, 5, 6), 45, 12345])
    book.save(tmp_path / "h.xlsx")
    report = import_file("hotspots", tmp_path / "h.xlsx")
    assert report.ok, errors(report)
    hotspot = Hotspot.objects.get()
    assert (hotspot.external_id, hotspot.ssid) == ("1001", "12345")
    assert hotspot.installed_on == datetime.date(2020, 5, 6)
    assert hotspot.coverage_radius_m == 45


def test_geojson_in_another_crs_is_reprojected(two_kelurahan):
    report = import_file("hotspots", DATA / "hotspots_utm.geojson")
    assert report.ok, errors(report)
    west = Hotspot.objects.get(external_id="U-1")
    assert (west.geom.x, west.geom.y) == pytest.approx(WEST, abs=1e-7)
    assert west.area == two_kelurahan[0]
    east = Hotspot.objects.get(external_id="U-2")
    assert (east.area, east.coverage_radius_m) == (two_kelurahan[1], 30)  # indoor default


def test_kml_from_google_earth(two_kelurahan):
    report = import_file("hotspots", DATA / "hotspots_google_earth.kml")
    assert report.ok, errors(report)
    hotspot = Hotspot.objects.get()
    assert (hotspot.name, hotspot.external_id, hotspot.operator) == (
        "Taman Barat", "K-1", "Diskominfo")


def test_geopackage_and_zipped_shapefile(two_kelurahan, tmp_path):
    import geopandas as gpd
    import shapely

    frame = gpd.GeoDataFrame(
        {"name": ["A", "B"], "ext_id": ["G-1", "G-2"], "operator": ["Diskominfo"] * 2,
         "site_type": ["taman", "sekolah"], "radius_m": [50, None]},
        geometry=[shapely.Point(*WEST), shapely.Point(*EAST)], crs=4326,
    )
    frame.to_file(tmp_path / "h.gpkg", layer="wifi", engine="pyogrio")
    report = import_file("hotspots", tmp_path / "h.gpkg")
    assert report.ok, errors(report)
    assert list(Hotspot.objects.order_by("external_id").values_list(
        "external_id", "coverage_radius_m")) == [("G-1", 50), ("G-2", 100)]
    Hotspot.objects.all().delete()
    frame.to_file(tmp_path / "wifi.shp", engine="pyogrio")
    with zipfile.ZipFile(tmp_path / "wifi.zip", "w") as archive:
        for part in tmp_path.glob("wifi.*"):
            if part.suffix != ".zip":
                archive.write(part, part.name)
    report = import_file("hotspots", tmp_path / "wifi.zip")
    assert report.ok, errors(report)
    assert Hotspot.objects.count() == 2


def test_facilities_derive_government_office_and_link_their_node(two_kelurahan, tmp_path):
    make_node(100, 100, name="ODP 1", external_id="N-1")
    path = write_csv(tmp_path / "f.csv",
                     "name,facility_type,fiber_node,lat,lon,is_government_office\n"
                     f"Kantor,kantor_kelurahan,N-1,{WEST[1]},{WEST[0]},\n"
                     f"SD 1,sekolah_sd,,{EAST[1]},{EAST[0]},\n")
    report = import_file("facilities", path)
    assert report.ok, errors(report)
    kantor, sd = Facility.objects.get(name="Kantor"), Facility.objects.get(name="SD 1")
    assert (kantor.is_government_office, kantor.fiber_node.external_id) == (True, "N-1")
    assert (sd.is_government_office, sd.fiber_node) == (False, None)


def test_fiber_links_from_wkt_measure_their_length(two_kelurahan):
    make_node(500, 500, name="A", external_id="N-A")
    make_node(1500, 500, name="B", external_id="N-B")
    report = import_file("fiber-links", DATA / "fiber_links.csv")
    assert report.ok, errors(report)
    link = FiberLink.objects.get()
    assert (link.start_node.external_id, link.end_node.external_id) == ("N-A", "N-B")
    assert link.length_m == pytest.approx(1000.0, abs=0.5)  # 1 km apart in UTM 49S
    assert (link.fibre_count, link.capacity_gbps, link.deployment) == (24, Decimal("10"),
                                                                       "aerial")
    assert FiberLink.history.get().length_m == pytest.approx(1000.0, abs=0.5)


# --- bad input -------------------------------------------------------------------------


def test_every_kind_of_bad_row_is_reported_and_nothing_is_written(two_kelurahan):
    report = import_file("hotspots", DATA / "hotspots_errors.csv")
    assert not report.ok
    assert errors(report) == [
        "Row 3, field 'operator': required, but empty.",
        "Row 4, field 'site_type': unknown value 'park'; allowed: kantor_kelurahan, "
        "kantor_kecamatan, kantor_opd, taman, sekolah, puskesmas, pasar, tempat_ibadah, "
        "jalan, balai_warga, transportasi, lainnya.",
        "Row 4, field 'status': unknown value 'on'; allowed: planned, active, maintenance, "
        "down, decommissioned.",
        "Row 5, field 'bandwidth_mbps': 'fast' is not a number.",
        "Row 6, field 'installed_on': '31/02/2021' is not a valid date (use YYYY-MM-DD or "
        "DD/MM/YYYY).",
        "Row 7, field 'lat': latitude -95 is outside -90..90.",
        "Row 8, field 'lat/lon': latitude and longitude are swapped: latitude 112.4245633 is "
        "outside -90..90 and longitude -7.4631239 looks like a latitude; exchange the two "
        "values.",
        "Row 9, field 'lat/lon': the point (latitude -7.465694, longitude 112.468061) lies "
        "outside every loaded desa/kelurahan.",
        "Row 10, field 'external_id': duplicate of row 2 (same external_id 'E-1').",
        "Row 11, field 'name': duplicate of row 2: same name 'Good' 3.0 m away.",
        "Row 12, field 'decommissioned_on': 2021-01-01 is before installed_on 2022-01-01.",
    ]
    assert report.error_count == 11
    assert Hotspot.objects.count() == 0
    assert Hotspot.history.count() == 0


def test_swapped_coordinates_both_in_range_are_named(db, tmp_path):
    # An area around (lon 5, lat 10); the row gives lat 5, lon 10 (both valid numbers).
    square = shapely.box(4.9, 9.9, 5.1, 10.1)
    make_area("35.76.01.1001", shapely.box(0, 0, 1, 1))
    AdminArea.objects.filter(code="35.76.01.1001").update(
        geom=GEOSGeometry(shapely.MultiPolygon([square]).wkt, srid=4326))
    path = write_csv(tmp_path / "h.csv", "name,operator,site_type,lat,lon\nA,D,taman,5,10\n")
    report = import_file("hotspots", path)
    assert errors(report) == [
        "Row 2, field 'lat/lon': latitude and longitude appear swapped: latitude 5.000000, "
        "longitude 10.000000 lies outside every loaded desa/kelurahan, but exchanged it lies "
        "in Area 35.76.01.1001 (35.76.01.1001)."
    ]


def test_bad_fiber_routes_and_references(two_kelurahan):
    make_node(500, 500, name="A", external_id="N-A")
    make_node(1500, 500, name="B", external_id="N-B")
    report = import_file("fiber-links", DATA / "fiber_links_errors.csv")
    assert errors(report) == [
        "Row 2, field 'wkt': the route crosses itself (self-intersection).",
        "Row 3, field 'wkt': too few points: a line needs at least 2 distinct points, it has 1.",
        "Row 4, field 'end_node': no node serat optik with external_id 'N-Z' in the database.",
        "Row 5, field 'end_node': same node as start_node ('N-A').",
        "Row 5, field 'fibre_count': 0 is below the minimum 1.",
        "Row 6, field 'wkt': not valid WKT (Expected word but encountered end of stream).",
    ]
    assert FiberLink.objects.count() == 0


def test_invalid_coverage_polygon_is_refused(two_kelurahan, tmp_path):
    path = write_csv(
        tmp_path / "h.csv",
        "name,operator,site_type,lat,lon,coverage_area\n"
        f"A,D,taman,{WEST[1]},{WEST[0]},\"POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))\"\n"
        f"B,D,taman,{EAST[1]},{EAST[0]},\"POLYGON ((0 0, 1 1, 0 0))\"\n",
    )
    assert errors(import_file("hotspots", path)) == [
        "Row 2, field 'coverage_area': invalid polygon: Self-intersection[0.5 0.5].",
        "Row 3, field 'coverage_area': invalid polygon: Too few points in geometry "
        "component[0 0].",
    ]


def test_duplicates_against_the_database(two_kelurahan, tmp_path):
    make_hotspot(500, 500, name="Taman Barat", external_id="DK-1")
    make_hotspot(1500, 500, name="Balai", external_id="")
    lon, lat = lonlat(1504, 500)
    path = write_csv(tmp_path / "h.csv", "name,external_id,operator,site_type,lat,lon\n"
                                         f"Other,DK-1,D,taman,{WEST[1]},{WEST[0]}\n"
                                         f" balai ,DK-9,D,taman,{lat},{lon}\n")
    report = import_file("hotspots", path)
    stored = Hotspot.objects.get(external_id="DK-1")
    balai = Hotspot.objects.get(name="Balai")
    assert errors(report) == [
        f"Row 2, field 'external_id': 'DK-1' already exists in the database (hotspot wifi "
        f"#{stored.pk} 'Taman Barat'); import in update mode (--update) to change it.",
        f"Row 3, field 'name': already in the database: hotspot wifi #{balai.pk} 'Balai' has "
        "the same name 4.0 m away.",
    ]
    assert Hotspot.objects.count() == 2


def test_missing_columns_and_unreadable_files(two_kelurahan, tmp_path):
    path = write_csv(tmp_path / "h.csv", "nm,lat,lon\nA,1,2\n")
    assert errors(import_file("hotspots", path)) == [
        "File: Required column(s) missing: name, operator, site_type; the file's columns "
        "are: nm, lat, lon."
    ]
    path = write_csv(tmp_path / "h2.csv", "name,operator,site_type\nA,D,taman\n")
    assert errors(import_file("hotspots", path)) == [
        "File: No location columns: give latitude and longitude columns (lat/lon, "
        "lintang/bujur, latitude/longitude, y/x) or a WKT column."
    ]
    (tmp_path / "h.csv").write_bytes("name;operator;site_type;lat;lon\nCaf\xe9".encode("latin-1"))
    assert errors(import_file("hotspots", tmp_path / "h.csv")) == [
        "File: Row 2: h.csv is not UTF-8 text; save it as 'CSV UTF-8' and import it again."
    ]
    (tmp_path / "h.pdf").write_bytes(b"%PDF")
    assert errors(import_file("hotspots", tmp_path / "h.pdf")) == [
        "File: h.pdf: unsupported file type .pdf; use CSV, XLSX, GeoJSON, GeoPackage, "
        "zipped Shapefile, KML."
    ]


def test_an_error_late_in_a_long_file_writes_nothing(two_kelurahan, tmp_path):
    lines = ["name,operator,site_type,lat,lon"]
    for i in range(30):
        lon, lat = lonlat(20 + i * 30, 500)
        lines.append(f"H{i},D,taman,{lat},{lon}")
    lines.append("Late,D,taman,-7.4656944,112.4680609")
    path = write_csv(tmp_path / "h.csv", "\n".join(lines) + "\n")
    report = import_file("hotspots", path, chunk_size=10)  # three chunks pass first
    assert report.rows == 31
    assert [i.number for i in report.errors] == [32]
    assert Hotspot.objects.count() == 0
    assert Hotspot.history.count() == 0


# --- dry run and update ----------------------------------------------------------------


def test_dry_run_reports_what_would_happen_and_writes_nothing(two_kelurahan):
    report = import_file("hotspots", DATA / "hotspots_semicolon_bom.csv", dry_run=True)
    assert report.ok and not report.written
    assert (report.created, report.updated) == (2, 0)
    assert report.samples["created"] == ["row 2 'Taman Barat'", "row 3 'Kantor Timur'"]
    assert "Would create 2, update 0; 0 unchanged" in report.as_text()
    assert Hotspot.objects.count() == 0


def test_update_mode_changes_only_what_changed_and_reimport_changes_nothing(
        two_kelurahan, tmp_path):
    source = DATA / "hotspots_semicolon_bom.csv"
    import_file("hotspots", source)
    again = import_file("hotspots", source, update=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Hotspot.history.count() == 2
    text = source.read_text(encoding="utf-8-sig").replace("10,5", "20")
    changed = tmp_path / "h.csv"
    changed.write_text(text, encoding="utf-8")
    report = import_file("hotspots", changed, update=True)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert report.samples["updated"] == ["row 2 'Taman Barat'"]
    updated = Hotspot.objects.get(external_id="DK-1")
    assert updated.bandwidth_mbps == Decimal("20")
    assert updated.last_updated > updated.created
    change = Hotspot.history.get(history_type="~")
    assert (change.id, change.name, change.bandwidth_mbps, change.status) == (
        updated.pk, "Taman Barat", Decimal("20"), "active")
    assert change.history_change_reason == "import h.csv"
    assert change.history_date == updated.last_updated


def test_reimport_of_a_stored_pair_is_quiet_but_a_moved_one_is_checked(two_kelurahan, tmp_path):
    # The database already holds two "Balai" 4 m apart (entered by hand, say).
    make_hotspot(1500, 500, name="Balai", external_id="B-1")
    second = make_hotspot(1504, 500, name="Balai", external_id="B-2")
    (lon1, lat1), (lon2, lat2) = lonlat(1500, 500), lonlat(1504, 500)
    header = "name,external_id,operator,site_type,lat,lon\n"
    for external_id, lat, lon in (("B-1", lat1, lon1), ("B-2", lat2, lon2)):
        same = write_csv(tmp_path / "same.csv",
                         header + f"Balai,{external_id},Diskominfo,taman,{lat},{lon}\n")
        report = import_file("hotspots", same, update=True)
        assert errors(report) == []
        assert (report.updated, report.unchanged) == (0, 1)
    # Moving B-1 next to B-2 is a change, and is checked against the other records.
    lon3, lat3 = lonlat(1503, 500)
    moved = write_csv(tmp_path / "moved.csv",
                      header + f"Balai,B-1,Diskominfo,taman,{lat3},{lon3}\n")
    report = import_file("hotspots", moved, update=True)
    assert errors(report) == [
        f"Row 2, field 'name': already in the database: hotspot wifi #{second.pk} 'Balai', "
        "external_id 'B-2' has the same name 1.0 m away."
    ]


def test_update_keeps_fields_the_file_does_not_carry(two_kelurahan, tmp_path):
    make_hotspot(500, 500, name="Taman", external_id="DK-1", coverage_radius_m=55,
                 ssid="WIFI-KOTA")
    path = write_csv(tmp_path / "h.csv", "name,external_id,operator,site_type,lat,lon\n"
                                         f"Taman Baru,DK-1,Diskominfo,taman,{WEST[1]},{WEST[0]}\n")
    report = import_file("hotspots", path, update=True)
    assert (report.updated, report.unchanged) == (1, 0)
    hotspot = Hotspot.objects.get()
    assert (hotspot.name, hotspot.coverage_radius_m, hotspot.ssid) == ("Taman Baru", 55,
                                                                        "WIFI-KOTA")


# --- command, API, admin ---------------------------------------------------------------


def test_command_exits_non_zero_with_the_report(two_kelurahan, capsys):
    with pytest.raises(CommandError) as raised:
        call_command("import_assets", "hotspots", str(DATA / "hotspots_errors.csv"))
    assert "Row 8, field 'lat/lon': latitude and longitude are swapped" in str(raised.value)
    assert str(raised.value).endswith(
        "11 error(s) in 11 rows of hotspots_errors.csv; nothing was written.")
    call_command("import_assets", "hotspots", str(DATA / "hotspots_semicolon_bom.csv"),
                 "--dry-run")
    assert "Dry run: nothing was written." in capsys.readouterr().out
    assert Hotspot.objects.count() == 0
    call_command("import_assets", "hotspots", str(DATA / "hotspots_semicolon_bom.csv"))
    assert Hotspot.objects.count() == 2


@pytest.fixture
def editor(db):
    user = User.objects.create_user("editor", password="x")
    group, _ = Group.objects.get_or_create(name="editor")
    user.groups.add(group)
    return user


def test_api_import_for_editors_only(two_kelurahan, client, editor):
    url = "/api/import/hotspots/"
    with open(DATA / "hotspots_semicolon_bom.csv", "rb") as handle:
        assert client.post(url, {"file": handle}).status_code in (401, 403)
    client.force_login(User.objects.create_user("reader", password="x"))
    with open(DATA / "hotspots_semicolon_bom.csv", "rb") as handle:
        assert client.post(url, {"file": handle}).status_code in (401, 403)
    client.force_login(editor)
    with open(DATA / "hotspots_semicolon_bom.csv", "rb") as handle:
        response = client.post(url, {"file": handle, "dry_run": "true"})
    assert response.status_code == 200
    assert (response.json()["created"], response.json()["written"]) == (2, False)
    assert Hotspot.objects.count() == 0
    with open(DATA / "hotspots_errors.csv", "rb") as handle:
        response = client.post(url, {"file": handle})
    assert response.status_code == 400
    body = response.json()
    assert body["error_count"] == 11
    assert body["errors"][0] == {"row": 3, "field": "operator",
                                 "message": "required, but empty.",
                                 "text": "Row 3, field 'operator': required, but empty."}
    with open(DATA / "hotspots_semicolon_bom.csv", "rb") as handle:
        response = client.post(url, {"file": handle})
    assert (response.status_code, response.json()["created"]) == (200, 2)
    assert Hotspot.history.filter(history_user=editor).count() == 2
    assert client.post("/api/import/towers/", {}).status_code == 404


def test_admin_import_page(two_kelurahan, client):
    from django.contrib import admin as django_admin
    from django.test import RequestFactory

    from inventory.admin import ImportExportAdminMixin

    class HotspotImportAdmin(ImportExportAdminMixin, django_admin.ModelAdmin):
        io_layer = "hotspots"

    model_admin = HotspotImportAdmin(Hotspot, django_admin.site)
    superuser = User.objects.create_superuser("root", password="x")
    with open(DATA / "hotspots_errors.csv", "rb") as handle:
        request = RequestFactory().post("/", {"file": handle, "dry_run": "on"})
    request.user = superuser
    response = model_admin.import_view(request)
    response.render()
    page = response.content.decode()
    assert response.status_code == 400
    assert "Row 3, field &#x27;operator&#x27;: required, but empty." in page
    request = RequestFactory().get("/")
    request.user = User.objects.create_user("reader", password="x")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        model_admin.import_view(request)
    assert json.dumps([label for label, _ in model_admin.export_links()]) == (
        '["GEOJSON", "CSV", "XLSX", "GPKG", "SHP", "KML", "OSM"]')


def test_fiber_nodes_layer(two_kelurahan, tmp_path):
    path = write_csv(tmp_path / "n.csv", "name,external_id,node_type,is_sensitive,lat,lon\n"
                                         f"POP,N-1,pop,ya,{WEST[1]},{WEST[0]}\n")
    assert import_file("fiber-nodes", path).ok
    node = FiberNode.objects.get()
    assert (node.node_type, node.is_sensitive, node.status) == ("pop", True, "operational")


@pytest.mark.parametrize("layer", ["hotspots", "facilities", "fiber-nodes", "fiber-links"])
def test_template_csv_matches_the_schema(layer):
    from inventory.io.schema import LAYERS

    spec = LAYERS[layer]
    template = Path(__file__).resolve().parents[2] / "docs" / "templates" / f"{layer}.csv"
    header = template.read_text(encoding="utf-8").splitlines()[0].split(",")
    location = ["latitude", "longitude"] if spec.is_point else ["wkt"]
    assert header == [c.name for c in spec.columns] + location
