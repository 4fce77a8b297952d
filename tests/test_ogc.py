"""OGC API - Features (Part 1: Core) at /ogc/: documents, paging, filters, and real clients.

The last tests run GDAL's `ogrinfo OAPIF:` against a live server, as QGIS would connect.
"""

import datetime
import re
import shutil
import subprocess

import pytest

from tests.api_support import client_for
from tests.factories import lonlat, make_area, make_hotspot, make_link, make_node, square

OGRINFO = shutil.which("ogrinfo")


def get(path, **params):
    return client_for(None).get(path, params)


@pytest.fixture
def registry(two_kelurahan):
    """12 hotspots on a line across both kelurahan (x = 100, 250, … 1750), 2 nodes, 1 link."""
    hotspots = [
        make_hotspot(100 + 150 * i, 500, name=f"H{i:02d}", notes="internal",
                     installed_on=datetime.date(2020 + i % 3, 1, 1),
                     decommissioned_on=datetime.date(2023, 1, 1) if i == 0 else None)
        for i in range(12)
    ]
    a, b = make_node(100, 100, name="A"), make_node(1900, 100, name="B")
    make_link(a, b, name="Trunk", fibre_count=24, is_sensitive=True)
    return hotspots


@pytest.mark.django_db
def test_landing_page_links_every_part(registry):
    response = get("/ogc/")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    links = {link["rel"]: link for link in response.json()["links"]}
    assert links["conformance"]["href"] == "http://testserver/ogc/conformance"
    assert links["data"]["href"] == "http://testserver/ogc/collections"
    assert links["service-desc"]["href"] == "http://testserver/api/schema/?format=json"
    assert links["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert links["service-doc"]["href"] == "http://testserver/api/docs/"
    assert get("/api/schema/", format="json").status_code == 200


@pytest.mark.django_db
def test_conformance():
    assert get("/ogc/conformance").json()["conformsTo"] == [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    ]


@pytest.mark.django_db
def test_collections_describe_extents(registry):
    body = get("/ogc/collections").json()
    assert [c["id"] for c in body["collections"]] == [
        "hotspots", "facilities", "fiber-nodes", "fiber-links", "areas"
    ]
    hotspots = get("/ogc/collections/hotspots").json()
    west, south = lonlat(100, 500)
    east, north = lonlat(1750, 500)
    bbox = hotspots["extent"]["spatial"]["bbox"][0]
    assert bbox == pytest.approx([west, min(south, north), east, max(south, north)], abs=1e-9)
    assert hotspots["extent"]["temporal"]["interval"] == [["2020-01-01T00:00:00Z", None]]
    items = next(link for link in hotspots["links"] if link["rel"] == "items")
    assert items == {"href": "http://testserver/ogc/collections/hotspots/items",
                     "rel": "items", "type": "application/geo+json",
                     "title": "Features (GeoJSON)"}
    assert "temporal" not in get("/ogc/collections/areas").json()["extent"]
    missing = get("/ogc/collections/roads")
    assert missing.status_code == 404 and missing.json()["code"] == "NotFound"


@pytest.mark.django_db
def test_items_page_with_next_and_prev_links(registry):
    first = get("/ogc/collections/hotspots/items", limit=5)
    assert first.status_code == 200
    assert first["Content-Type"] == "application/geo+json"
    body = first.json()
    assert body["type"] == "FeatureCollection"
    assert body["numberMatched"] == 12 and body["numberReturned"] == 5
    assert [f["properties"]["name"] for f in body["features"]] == [f"H{i:02d}" for i in range(5)]
    links = {link["rel"]: link["href"] for link in body["links"]}
    assert "prev" not in links
    assert links["next"] == "http://testserver/ogc/collections/hotspots/items?limit=5&offset=5"
    last = get("/ogc/collections/hotspots/items", limit=5, offset=10).json()
    assert [f["properties"]["name"] for f in last["features"]] == ["H10", "H11"]
    links = {link["rel"]: link["href"] for link in last["links"]}
    assert "next" not in links
    assert links["prev"] == "http://testserver/ogc/collections/hotspots/items?limit=5&offset=5"
    assert get("/ogc/collections/hotspots/items").json()["numberReturned"] == 10  # default


@pytest.mark.django_db
def test_items_bbox_and_datetime(registry):
    box = "{},{},{},{}".format(*lonlat(900, 400), *lonlat(1350, 600))

    def names(**params):
        body = get("/ogc/collections/hotspots/items", limit=100, **params).json()
        return [f["properties"]["name"] for f in body["features"]]

    assert names(bbox=box) == ["H06", "H07", "H08"]  # x = 1000, 1150, 1300
    # installed 2020 (i % 3 == 0), 2021 (1), 2022 (2); H00 decommissioned 2023-01-01
    assert names(datetime="2020-06-01") == ["H00", "H03", "H06", "H09"]
    assert names(datetime="2020-06-01T10:00:00Z") == ["H00", "H03", "H06", "H09"]
    assert len(names(datetime="2023-06-01")) == 11
    assert names(datetime="../2020-12-31") == ["H00", "H03", "H06", "H09"]
    assert len(names(datetime="2021-01-01/..")) == 12
    assert names(datetime="2023-02-01/2024-01-01", bbox=box) == ["H06", "H07", "H08"]
    links = get("/ogc/collections/fiber-links/items", bbox=box).json()
    assert [f["properties"]["name"] for f in links["features"]] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"limit": "0"}, "limit must be a whole number from 1 to 10000; got '0'."),
        ({"offset": "-1"}, "offset must be a whole number from 0 to 1000000000; got '-1'."),
        ({"bbox": "1,2,3"}, "bbox: Kotak batas harus berupa empat angka: "
                            "bujur_min,lintang_min,bujur_maks,lintang_maks."),
        ({"bbox-crs": "EPSG:4326"},
         "bbox-crs must be http://www.opengis.net/def/crs/OGC/1.3/CRS84."),
        ({"datetime": "yesterday"}, "datetime='yesterday' is not an RFC 3339 date or "
                                    "date-time, nor an interval like 2024-01-01/2024-12-31, "
                                    "../2024-12-31 or 2024-01-01/.."),
        ({"datetime": "2024-02-01/2024-01-01"}, None),
        ({"status": "active"}, "Unknown query parameter(s): status; this service accepts "
                               "bbox, bbox-crs, datetime, f, limit, offset."),
    ],
)
def test_bad_item_parameters_are_400(registry, params, description):
    response = get("/ogc/collections/hotspots/items", **params)
    assert response.status_code == 400
    assert response.json()["code"] == "InvalidParameterValue"
    if description:
        assert response.json()["description"] == description


@pytest.mark.django_db
def test_formats(registry):
    as_json = get("/ogc/collections/hotspots/items", f="json")
    assert as_json.status_code == 200 and as_json["Content-Type"] == "application/json"
    assert get("/ogc/collections/hotspots/items", f="xml").status_code == 406


@pytest.mark.django_db
def test_single_items_use_the_public_representation(registry):
    hotspot = registry[3]
    response = get(f"/ogc/collections/hotspots/items/{hotspot.pk}")
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    feature = response.json()
    assert feature["type"] == "Feature" and feature["id"] == hotspot.pk
    assert "notes" not in feature["properties"]
    assert {link["rel"] for link in feature["links"]} == {"self", "collection", "items"}
    link = get("/ogc/collections/fiber-links/items", limit=1).json()["features"][0]
    assert link["properties"]["fibre_count"] is None  # sensitive
    area = get("/ogc/collections/areas/items/35.76.01.1002").json()
    assert area["id"] == "35.76.01.1002" and area["geometry"]["type"] == "MultiPolygon"
    assert get("/ogc/collections/hotspots/items/999999").status_code == 404
    assert get("/ogc/collections/hotspots/items/abc").status_code == 404


# --- Real clients: GDAL's OAPIF driver against a live server ------------------------------


def ogrinfo(*args) -> str:
    result = subprocess.run([OGRINFO, "-ro", *args], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.skipif(OGRINFO is None, reason="ogrinfo (gdal-bin) is not installed")
def test_ogrinfo_reads_every_layer_and_counts_features(live_server, transactional_db):
    make_area("35.76.01.1001", square(0, 0), name="Barat")
    make_area("35.76.01.1002", square(1, 0), name="Timur")
    for i in range(12):
        make_hotspot(100 + 150 * i, 500, name=f"H{i:02d}")
    a, b = make_node(100, 100, name="A"), make_node(1900, 100, name="B")
    make_link(a, b, name="Trunk")
    url = f"OAPIF:{live_server.url}/ogc/"

    listing = ogrinfo(url)
    # An empty layer has no geometry type to show.
    assert re.findall(r"^\d+: (\S+) \(title: [^)]*\)(?: \(([^)]*)\))?$", listing, re.M) == [
        ("hotspots", "Point"),
        ("facilities", ""),
        ("fiber-nodes", "Point"),
        ("fiber-links", "Line String"),
        ("areas", "Multi Polygon"),
    ]
    summary = ogrinfo("-so", "-al", url)
    counts = dict(re.findall(r"Layer name: (\S+)\n(?:.*\n)*?Feature Count: (\d+)", summary))
    assert counts == {"hotspots": "12", "facilities": "0", "fiber-nodes": "2",
                      "fiber-links": "1", "areas": "5"}
    # Reading every feature follows the `next` links (GDAL asks for 10 per page).
    features = ogrinfo("-al", "-q", url, "hotspots")
    assert features.count("OGRFeature(hotspots)") == 12
    assert "POINT (112." in features
    west = ogrinfo("-al", "-q", "-spat", *map(str, (*lonlat(0, 0), *lonlat(1050, 999))),
                   url, "hotspots")
    assert west.count("OGRFeature(hotspots)") == 7  # x = 100 … 1000
