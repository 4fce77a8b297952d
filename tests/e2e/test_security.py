"""Security in a real browser: the Content-Security-Policy blocks nothing the pages need, and
hostile names (hotspot, SSID, operator, facility, kelurahan) never run as code.

Every page is opened with a listener for `securitypolicyviolation` events installed before
any script runs; console errors (Chromium reports blocked scripts there too) are recorded
by the shared watcher.
"""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from geo.models import AdminArea
from inventory.models import Facility, Hotspot

from .conftest import Watcher, wait_idle

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || ''));
});
"""
# Within the columns' lengths (names 100, SSID 64 characters).
XSS = 'XSS <img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
XSS_SSID = "\"'><svg onload=window.__xss=3><b onmouseover=alert(1)>"


def session_cookie(user) -> dict:
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value}


@pytest.fixture
def admin_cookie(demo):
    user = User.objects.create_superuser("admin-e2e", "admin@example.org", "x")
    return session_cookie(user)


@pytest.fixture
def visit(browser, live_server, settings):
    """`visit(path, cookies)` → (page, watcher, dialogs); CSP violations are recorded from
    before the page's first script (the same set-up as `open_page`, plus an init script)."""
    settings.SIMPUL_TILE_URL = ""  # no base map: nothing may leave localhost
    contexts = []

    def _visit(path, cookies=()):
        context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        context.add_cookies([{**cookie, "url": live_server.url} for cookie in cookies])
        context.add_init_script(RECORD_VIOLATIONS)
        page = context.new_page()
        watcher = Watcher(live_server.url)
        watcher.attach(page)
        watcher.failed = []
        page.on("response", lambda r: r.status >= 400 and watcher.failed.append(r.url))
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        return page, watcher, dialogs

    yield _visit
    for context in contexts:
        context.close()


def assert_clean(page, watcher):
    assert page.evaluate("window.__csp") == [], page.url
    assert [e for e in watcher.errors if "Content Security Policy" in e] == []
    # The browser asks pages without an icon link (the admin) for /favicon.ico, which is
    # not a page resource (no response event); every resource the page loads succeeded.
    assert watcher.failed == []
    assert [e for e in watcher.errors if not e.startswith("Failed to load resource: the "
                                                          "server responded with a status "
                                                          "of 404")] == []


def test_pages_work_under_the_content_security_policy(visit, demo, admin_cookie):
    hotspot = Hotspot.objects.get(name="Wifi Mal Pelayanan Publik Kota Mojokerto")
    for path in ("/", "/wilayah/35.76.01.1003/", f"/hotspot/{hotspot.pk}/"):
        page, watcher, _ = visit(path)
        if path != f"/hotspot/{hotspot.pk}/":
            wait_idle(page)
        assert page.locator(".leaflet-container").count() >= 1, path
        assert_clean(page, watcher)
    page, watcher, _ = visit("/dashboard/", cookies=[admin_cookie])
    page.wait_for_function("() => Chart.getChart('dashboard-coverage-chart') !== undefined")
    assert_clean(page, watcher)

    page, watcher, _ = visit("/api/docs/")
    page.locator(".swagger-ui .opblock").first.wait_for(timeout=15_000)
    assert_clean(page, watcher)

    page, watcher, _ = visit(f"/admin/inventory/hotspot/{hotspot.pk}/change/",
                             cookies=[admin_cookie])
    page.locator("#id_geom_map .ol-viewport").wait_for(timeout=15_000)
    assert_clean(page, watcher)


def test_the_policy_header_blocks_inline_script_without_the_nonce(visit, demo):
    page, watcher, _ = visit("/")
    wait_idle(page)
    page.evaluate("""() => {
        const s = document.createElement('script');
        s.textContent = 'window.__injected = 1';
        document.body.appendChild(s);
    }""")
    page.wait_for_function("() => window.__csp.length > 0")
    assert page.evaluate("window.__injected") is None
    assert page.evaluate("window.__csp")[0].startswith("script-src-elem inline")


def test_hostile_names_never_run(visit, demo, admin_cookie):
    area = AdminArea.objects.get(code="35.76.01.1003")
    area.name = f"Mentikan {XSS}"
    area.save()
    mpp = Hotspot.objects.get(name="Wifi Mal Pelayanan Publik Kota Mojokerto")
    mpp.name, mpp.ssid, mpp.operator = f"Wifi {XSS}", XSS_SSID, f"Op {XSS}"
    mpp.save()
    facility = Facility.objects.filter(area=mpp.area).first()
    facility.name = f"Fasilitas {XSS}"
    facility.save()

    page, watcher, dialogs = visit("/")
    wait_idle(page)
    page.fill("#simpul-search-input", "XSS")
    results = page.locator(".simpul-search-results button")
    results.first.wait_for()
    assert results.count() >= 2  # the hotspot and the kelurahan
    page.get_by_role("button", name=re.compile(r"^Wifi XSS")).first.click()
    popup = page.locator(".leaflet-popup-content .simpul-popup")
    popup.wait_for()
    text = popup.inner_text()
    assert 'onerror="window.__xss=1"' in text and "Op XSS" in text
    popup.hover()

    for path in (f"/hotspot/{mpp.pk}/", "/wilayah/35.76.01.1003/"):
        other, other_watcher, other_dialogs = visit(path)
        assert "<script>window.__xss=2</script>" in other.locator("h1").inner_text()
        assert other.evaluate("window.__xss") is None
        assert other_dialogs == []
        assert other.evaluate("window.__csp") == []
    board, _, board_dialogs = visit("/dashboard/", cookies=[admin_cookie])
    assert "XSS <img" in board.locator("body").inner_text()
    assert board.evaluate("window.__xss") is None
    assert board_dialogs == []

    assert page.evaluate("window.__xss") is None
    assert dialogs == []
    assert page.evaluate("window.__csp") == []
    assert watcher.errors == []
