"""Pages and map data: viewport layers, clustering, search, escaping, permissions, language.

Data are two 1 km × 1 km kelurahan side by side (tests/conftest.py `two_kelurahan`) with
hotspots placed in metres from the grid origin, so counts and areas are known by hand.
"""

import datetime
import json
import math
from pathlib import Path

import pytest
from django.test import Client

from geo.coverage.services import compute_coverage
from geo.maps import constants, queries
from geo.maps.builders import page_parts, viewport_map
from geo.maps.elements import js_json, js_template_text
from inventory.choices import FiberStatus, HotspotStatus
from tests.factories import make_facility, make_hotspot, make_link, make_node

BBOX = "112.0,-8.0,113.0,-7.0"
EVIL = "<script>alert(1)</script>`${alert(2)}`\\u"


@pytest.fixture(autouse=True)
def _no_tiles(settings):
    settings.SIMPUL_TILE_URL = ""


@pytest.fixture
def registry(two_kelurahan):
    """Five hotspots in the west kelurahan (one of each status, one decommissioned), one in
    the east; one facility; two nodes and one link; a coverage run."""
    hotspots = {
        "active": make_hotspot(500, 500, "Taman Barat", ssid="Barat-Free"),
        "maintenance": make_hotspot(200, 200, "Balai", status=HotspotStatus.MAINTENANCE),
        "down": make_hotspot(800, 200, "Pasar", status=HotspotStatus.DOWN),
        "planned": make_hotspot(200, 800, "Sekolah", status=HotspotStatus.PLANNED),
        "gone": make_hotspot(800, 800, "Lama", status=HotspotStatus.DECOMMISSIONED,
                             decommissioned_on=datetime.date(2022, 1, 1)),
        "east": make_hotspot(1500, 500, "Taman Timur", placement="indoor"),
    }
    make_facility(300, 300, "Kantor Kelurahan Barat")
    a, b = make_node(100, 100, "ODP A"), make_node(900, 100, "ODP B")
    make_node(950, 950, "ODP lama", status=FiberStatus.DECOMMISSIONED)
    make_link(a, b, "Span A-B")
    run = compute_coverage(datetime.date(2025, 1, 1))
    return {"hotspots": hotspots, "run": run, "west": two_kelurahan[0]}


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    return json.loads(response.content)


# --- Map data -------------------------------------------------------------------------------
def test_hotspot_layer_sends_public_points_with_popup_fields(client, registry):
    data = get_json(client, f"/map/layers/hotspots/?bbox={BBOX}&zoom=15")
    assert data["clustered"] is False
    assert data["count"] == 5
    by_name = {f["properties"]["name"]: f["properties"] for f in data["features"]}
    assert sorted(by_name) == ["Balai", "Pasar", "Sekolah", "Taman Barat", "Taman Timur"]
    active = registry["hotspots"]["active"]
    assert by_name["Taman Barat"] == {
        "id": active.pk, "name": "Taman Barat", "ssid": "Barat-Free", "operator": "Diskominfo",
        "site_type": "taman", "status": "active", "opening_hours": "", "last_verified_on": None,
        "coverage_radius_m": 100, "reported_down": False,
    }
    assert by_name["Taman Timur"]["coverage_radius_m"] == 30
    lon, lat = next(f for f in data["features"]
                    if f["properties"]["id"] == active.pk)["geometry"]["coordinates"]
    assert (lon, lat) == (round(active.geom.x, 6), round(active.geom.y, 6))


def test_hotspot_layer_only_answers_for_the_box(client, registry):
    east = registry["hotspots"]["east"].geom
    box = f"{east.x - 0.001},{east.y - 0.001},{east.x + 0.001},{east.y + 0.001}"
    data = get_json(client, f"/map/layers/hotspots/?bbox={box}&zoom=17")
    assert [f["properties"]["name"] for f in data["features"]] == ["Taman Timur"]


def test_point_layer_clusters_on_the_server_above_the_limit(client, registry, monkeypatch):
    monkeypatch.setattr(constants, "MAX_POINTS", 4)
    data = get_json(client, f"/map/layers/hotspots/?bbox={BBOX}&zoom=5")
    assert data["clustered"] is True
    assert data["count"] == 5
    # At zoom 5 a cluster cell is 64 px = 3.5°: every hotspot falls in one cell.
    assert len(data["features"]) == 1
    assert data["features"][0]["properties"] == {
        "cluster": True, "count": 5, "active": 2, "maintenance": 1, "down": 1, "planned": 1,
    }


def test_area_layer_gives_the_level_for_the_zoom_with_coverage(client, registry):
    leaves = get_json(client, f"/map/layers/areas/?bbox={BBOX}&zoom=14")
    assert leaves["level"] == 4
    west = next(f for f in leaves["features"] if f["properties"]["code"] == "35.76.01.1001")
    # One 100 m circle (64-gon) in 1 km²: 0.5 × 64 × 100² × sin(2π/64) = 31,365.5 m² = 3.14 %.
    expected_pct = 0.5 * 64 * 100**2 * math.sin(2 * math.pi / 64) / 1e6 * 100
    assert round(expected_pct, 1) == 3.1
    assert west["properties"]["covered_pct"] == 3.1
    assert west["properties"]["covered_population"] == 31  # 1,000 people × 3.14 %
    assert west["properties"]["hotspots_active"] == 1
    assert west["properties"]["hotspots_total"] == 3  # active, maintenance and down
    assert west["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert len(leaves["features"]) == 2
    top = get_json(client, f"/map/layers/areas/?bbox={BBOX}&zoom=8")
    assert top["level"] == 2
    assert [f["properties"]["code"] for f in top["features"]] == ["35.76"]
    assert get_json(client, f"/map/layers/areas/?bbox={BBOX}&zoom=10")["level"] == 3


def test_white_zone_fiber_and_facility_layers(client, registry):
    zones = get_json(client, f"/map/layers/white-zones/?bbox={BBOX}&zoom=14")
    assert sorted(f["properties"]["area_code"] for f in zones["features"]) == [
        "35.76.01.1001", "35.76.01.1002"]
    links = get_json(client, f"/map/layers/fiber-links/?bbox={BBOX}&zoom=14")
    assert [f["properties"]["name"] for f in links["features"]] == ["Span A-B"]
    assert links["features"][0]["properties"]["length_m"] == 800
    nodes = get_json(client, f"/map/layers/fiber-nodes/?bbox={BBOX}&zoom=14")
    assert sorted(f["properties"]["name"] for f in nodes["features"]) == ["ODP A", "ODP B"]
    facilities = get_json(client, f"/map/layers/facilities/?bbox={BBOX}&zoom=14")
    assert [f["properties"]["facility_type"] for f in facilities["features"]] == [
        "kantor_kelurahan"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("bbox=1,2,3&zoom=5", "bbox", "Kotak batas harus berupa empat angka: "
         "bujur_min,lintang_min,bujur_maks,lintang_maks."),
        (f"bbox={BBOX}&zoom=x", "zoom", "zoom harus bilangan bulat antara 0 dan 22."),
        (f"bbox={BBOX}&zoom=23", "zoom", "zoom harus bilangan bulat antara 0 dan 22."),
    ],
)
def test_layer_refuses_bad_parameters(client, db, query, field, message):
    assert get_json(client, f"/map/layers/hotspots/?{query}", status=400) == {field: [message]}


def test_unknown_layer_is_404(client, db):
    assert client.get(f"/map/layers/nothing/?bbox={BBOX}&zoom=5").status_code == 404


def test_search_finds_areas_and_hotspots(client, registry):
    found = get_json(client, "/map/search/?q=barat")
    assert [a["code"] for a in found["areas"]] == ["35.76.01.1001"]
    assert found["areas"][0]["kind"] == "Kelurahan"
    west = registry["west"].geom.extent
    assert found["areas"][0]["bbox"] == [round(v, 6) for v in west]
    assert [h["name"] for h in found["hotspots"]] == ["Taman Barat"]
    assert get_json(client, "/map/search/?q=Lama")["hotspots"] == []  # decommissioned
    assert get_json(client, "/map/search/?q=b", status=400) == {
        "q": ["Ketik paling sedikit 2 huruf."]}


def test_zoom_helpers():
    assert queries.pixel_degrees(0) == 360 / 256
    assert queries.coordinate_decimals(8) == 3
    assert queries.coordinate_decimals(13) == 4
    assert queries.coordinate_decimals(17) == 5
    assert [queries.area_level_for_zoom(z) for z in (5, 8, 9, 10, 11, 18)] == [2, 2, 3, 3, 4, 4]


# --- Escaping -------------------------------------------------------------------------------
def test_js_json_cannot_close_a_script():
    assert js_json({"name": "</script><b>&"}) == (
        '{"name": "\\u003C/script\\u003E\\u003Cb\\u003E\\u0026"}')


def test_js_template_text_is_inert_in_a_template_literal():
    assert js_template_text(EVIL) == (
        "&lt;script&gt;alert(1)&lt;/script&gt;&#96;&#36;{alert(2)}&#96;&#92;u")


def test_hotspot_page_escapes_a_hostile_name(client, two_kelurahan):
    hotspot = make_hotspot(500, 500, EVIL, ssid="<b>ssid</b>")
    html = client.get(f"/hotspot/{hotspot.pk}/").content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # The mini map's tooltip is a JavaScript template literal: `${` would run code there.
    tooltip = html.split(".bindTooltip(")[1].split(");")[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#96;&#36;{alert(2)}&#96;&#92;u" in tooltip
    assert "${" not in tooltip and "`$" not in tooltip
    assert "&lt;b&gt;ssid&lt;/b&gt;" in html


def test_public_map_inlines_no_data_and_loads_nothing_remote(client, registry):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Taman Barat" not in html  # features come by viewport, never inlined
    assert '"layer": "/map/layers/{layer}/"' in html
    assert 'src="https://' not in html and 'href="https://' not in html
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "/static/simpul/map.js" in html
    assert "jquery" not in html.lower()


def test_public_map_preloads_every_map_module_in_the_head(client, registry):
    html = client.get("/").content.decode()
    head = html[: html.index("</head>")]
    modules = sorted(p.name for p in (Path(__file__).resolve().parents[2] / "geo" / "static"
                                      / "simpul" / "map").glob("*.js"))
    assert len(modules) == 9
    for name in ["map.js", *(f"map/{m}" for m in modules)]:
        assert f'<link rel="modulepreload" href="/static/simpul/{name}">' in head


def test_page_parts_without_tiles_have_no_tile_layer(settings):
    settings.SIMPUL_TILE_URL = ""
    assert "L.tileLayer" not in page_parts(viewport_map()).script
    settings.SIMPUL_TILE_URL = "/tiles/{z}/{x}/{y}.png"
    assert '"/tiles/{z}/{x}/{y}.png"' in page_parts(viewport_map()).script


# --- Pages ----------------------------------------------------------------------------------
def test_kelurahan_page_shows_figures_lists_and_gaps(client, registry):
    response = client.get("/wilayah/35.76.01.1001/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-figure="covered_pct">3,1%' in html
    assert 'data-figure="hotspots_active">1 / 3' in html
    for name in ("Taman Barat", "Balai", "Pasar", "Sekolah", "Kantor Kelurahan Barat"):
        assert name in html
    assert "Lama" not in html  # decommissioned
    assert 'id="white-zones"' in html
    history = json.loads(html.split('id="area-history" type="application/json">')[1]
                         .split("</script>")[0])
    assert history == [{"as_of": "2025-01-01", "covered_pct": 3.1,
                        "covered_population_pct": 3.1, "hotspots_active": 1}]


def test_kelurahan_page_is_only_for_desa_kelurahan(client, registry):
    assert client.get("/wilayah/35.76.01/").status_code == 404
    assert client.get("/wilayah/35.76.09.9999/").status_code == 404


def test_dashboard_is_for_editors(client, registry, role_users):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/dashboard/"
    for role, status in (("user", 403), ("assessor", 403), ("editor", 200), ("admin", 200)):
        browser = Client()
        browser.force_login(role_users[role])
        assert browser.get("/dashboard/").status_code == status, role


def test_dashboard_lists_kelurahan_and_exports_csv(client, registry, role_users):
    client.force_login(role_users["editor"])
    html = client.get("/dashboard/").content.decode()
    assert html.count('<tr data-code="35.76.01.100') == 2
    assert "Taman Barat" in html  # recent changes
    rows = client.get("/dashboard/kelurahan.csv").content.decode().splitlines()
    assert rows[0].startswith("kode,kelurahan,kecamatan,luas_m2,cakupan_pct")
    assert rows[1].startswith("35.76.01.1001,Barat,Area 35.76.01,1000000,3.14,1000,31,3.14,1,3,")


def test_english_switch(client, registry):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    html = client.get("/en/").content.decode()
    assert '<html lang="en">' in html
    assert "Free wifi hotspots" in html
    assert "Nearest wifi" in html
    assert "Hotspot wifi gratis" not in html


# --- Citizen reports on the map and the hotspot page ----------------------------------------
def test_confirmed_outage_marks_the_hotspot_reported_down(client, registry):
    from inventory.models import HotspotReport

    active = registry["hotspots"]["active"]
    report = HotspotReport.objects.create(hotspot=active, kind="not_working")
    page = client.get(f"/hotspot/{active.pk}/").content.decode()
    assert f'action="/api/hotspots/{active.pk}/reports/form/"' in page
    assert 'id="hotspot-reported-down"' not in page
    report.status = "confirmed"
    report.save()
    data = get_json(client, f"/map/layers/hotspots/?bbox={BBOX}&zoom=15")
    down = {f["properties"]["name"] for f in data["features"] if f["properties"]["reported_down"]}
    assert down == {"Taman Barat"}
    page = client.get(f"/hotspot/{active.pk}/").content.decode()
    assert 'id="hotspot-reported-down"' in page
    assert "1 laporan (1 dikonfirmasi, 0 selesai)" in page
