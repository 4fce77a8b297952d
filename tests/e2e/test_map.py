"""The public map, the kelurahan page and the dashboard in a real browser (demo data).

Expected counts are those of the Kota Mojokerto demo (fixtures/README.md): 158 hotspots of
which 3 are decommissioned (155 on the map) and 139 active and in service (139 coverage
circles); 18 kelurahan; 18 white zones in the run; 35 fiber spans, 32 nodes, 113 facilities.
"""

import os
import tempfile
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Group, User
from django.contrib.gis.geos import Point
from django.test import Client

from inventory.models import Hotspot
from tests.api_support import roles_migration

from .conftest import wait_idle

# Screenshots go to docs/screenshots/ only when asked (SIMPUL_SCREENSHOTS=1), so that a test
# run leaves the working tree clean; otherwise to a temporary folder.
SCREENSHOTS = (Path(__file__).resolve().parents[2] / "docs" / "screenshots"
               if os.environ.get("SIMPUL_SCREENSHOTS") == "1"
               else Path(tempfile.gettempdir()) / "simpul-screenshots")
SCREENSHOTS.mkdir(parents=True, exist_ok=True)
HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>${1+1}'
COUNTS = "window.simpul.counts()"


def _check_layer(page, label):
    page.hover(".leaflet-control-layers")
    page.get_by_label(label, exact=True).check()


def test_public_map_layers_search_and_popup(open_page, demo):
    page, watcher = open_page("/", viewport={"width": 1280, "height": 800})
    wait_idle(page)
    assert page.evaluate(COUNTS) == {
        "hotspots": 155, "hotspotClusters": 0, "coverage": 139, "areas": 18,
        "white-zones": 0, "fiber-links": 0, "fiber-nodes": 0, "facilities": 0,
    }
    page.screenshot(path=str(SCREENSHOTS / "map.png"))
    for label in ("Wilayah tanpa wifi", "Jalur serat optik", "Node serat optik",
                  "Fasilitas layanan publik"):
        _check_layer(page, label)
    page.mouse.move(5, 400)
    wait_idle(page)
    assert page.evaluate(COUNTS) == {
        "hotspots": 155, "hotspotClusters": 0, "coverage": 139, "areas": 18,
        "white-zones": 20, "fiber-links": 35, "fiber-nodes": 32, "facilities": 113,
    }
    # Search a hotspot by name and open its popup.
    page.fill("#simpul-search-input", "Mal Pelayanan")
    page.get_by_role("button", name="Wifi Mal Pelayanan Publik Kota Mojokerto").click()
    popup = page.locator(".leaflet-popup-content .simpul-popup")
    popup.wait_for()
    text = popup.inner_text()
    hotspot = Hotspot.objects.get(name="Wifi Mal Pelayanan Publik Kota Mojokerto")
    for expected in ("Wifi Mal Pelayanan Publik Kota Mojokerto", hotspot.ssid,
                     hotspot.operator, "Kantor OPD", "Mo-Fr 08:00-15:00", "Aktif"):
        assert expected in text
    link = popup.get_by_role("link", name="Lihat detail")
    assert link.get_attribute("href") == f"/hotspot/{hotspot.pk}/"
    assert watcher.errors == []
    assert watcher.external == []


def test_nearest_wifi_on_a_phone_and_hostile_names_stay_text(open_page, demo):
    mpp = Hotspot.objects.get(name="Wifi Mal Pelayanan Publik Kota Mojokerto")
    # A hostile hotspot about 40 m west of the MPP one, and the click point 20 m west of it
    # (1 m of longitude is about 9.06e-6 degrees at 7.47° S).
    Hotspot.objects.create(
        name=HOSTILE, ssid="<b>x</b>", operator="Diskominfo", site_type="taman",
        geom=Point(mpp.geom.x - 40 * 9.06e-6, mpp.geom.y, srid=4326),
    )
    click = Point(mpp.geom.x - 60 * 9.06e-6, mpp.geom.y, srid=4326)
    page, watcher = open_page("/", viewport={"width": 390, "height": 844}, is_mobile=True,
                              has_touch=True)
    wait_idle(page)
    page.get_by_role("button", name="Wifi terdekat").click()
    page.evaluate(f"window.simpul.map.setView([{click.y}, {click.x}], 18)")
    wait_idle(page)
    x, y = page.evaluate(
        "([lat, lon]) => { const p = window.simpul.map.latLngToContainerPoint([lat, lon]);"
        " const r = window.simpul.map.getContainer().getBoundingClientRect();"
        " return [r.left + p.x, r.top + p.y]; }",
        [click.y, click.x],
    )
    page.mouse.click(x, y)
    items = page.locator(".simpul-nearest-results li")
    items.first.wait_for()
    assert items.count() == 5
    names = [items.nth(i).locator(".simpul-nearest-name").inner_text() for i in range(5)]
    distances = [items.nth(i).locator(".simpul-distance").inner_text() for i in range(5)]
    expected = list(Hotspot.objects.working().nearest(click, 5))
    assert names == [h.name for h in expected]
    assert names[:2] == [HOSTILE, mpp.name]
    # The page rounds the API's figure to whole metres: within 1 m of the ORM's distance.
    shown = [int(d.removesuffix(" m")) for d in distances]
    assert all(abs(m - h.distance_m) <= 1 for m, h in zip(shown, expected, strict=True))
    assert distances[:2] == ["20 m", "60 m"]
    walk = items.first.get_by_role("link", name="Rute jalan kaki").get_attribute("href")
    assert walk.startswith("https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img[src=x]").count() == 0
    assert watcher.errors == []
    assert watcher.external == []


def test_kelurahan_page_dashboard_and_english(open_page, demo):
    page, watcher = open_page("/wilayah/35.76.01.1003/", viewport={"width": 1280, "height": 900})
    wait_idle(page)
    assert page.locator("h1").inner_text().startswith("Kelurahan Mentikan")
    assert page.evaluate("Chart.getChart('area-history-chart').data.labels.length") == 1
    assert page.evaluate(COUNTS)["areas"] == 18
    page.screenshot(path=str(SCREENSHOTS / "kelurahan.png"), full_page=True)

    roles_migration.grant_roles(apps, roles_migration.ROLES)
    editor = User.objects.create_user("editor-e2e", password="x")
    editor.groups.add(Group.objects.get(name="editor"))
    client = Client()
    client.force_login(editor)
    session = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    board, board_watcher = open_page("/dashboard/", cookies=[session],
                                     viewport={"width": 1280, "height": 900})
    assert board.locator("#kelurahan-table tbody tr").count() == 18
    board.locator("th", has_text="Cakupan luas (%)").click()  # ascending
    board.locator("th", has_text="Cakupan luas (%)").click()  # descending
    first = board.locator("#kelurahan-table tbody tr").first.get_attribute("data-code")
    assert first == demo.areas.filter(level=4).order_by("-covered_pct").first().area.code
    assert board.evaluate("Chart.getChart('dashboard-coverage-chart').data.labels.length") == 18
    board.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)

    page.get_by_role("button", name="EN", exact=True).click()
    page.wait_for_url("**/en/wilayah/35.76.01.1003/")
    wait_idle(page)
    assert page.locator("html").get_attribute("lang") == "en"
    assert "What would improve this area" in page.inner_text("main")
    page.goto(page.url.split("/en/")[0] + "/en/")
    wait_idle(page)
    page.hover(".leaflet-control-layers")
    assert page.get_by_label("Free wifi hotspots", exact=True).is_checked()
    assert page.get_by_role("button", name="Nearest wifi").is_visible()
    assert watcher.errors == [] and board_watcher.errors == []
    assert watcher.external == [] and board_watcher.external == []
