"""Benchmark: the public map (viewport loading) vs a naive folium page that inlines everything.

    python bench/map.py [--scales mojokerto,jatim] [--hotspots 100000] [--naive-timeout 180]

For each scale a database is prepared once (and reused by later runs):

- `mojokerto`: the demo (`load_demo`, 158 hotspots) and a coverage run;
- `jatim`: the 8,494 desa/kelurahan of jatim_desa.gpkg (`load_areas`), `--hotspots` synthetic
  hotspots (seeded; each placed uniformly inside a village chosen uniformly at random; 88 %
  active, 4 % each in maintenance, down and planned; radius 30-150 m) and a coverage run.

Then, in headless Chromium (Debian's, through Playwright) with an empty cache and a
1280 × 800 window showing the whole scale, it measures two pages:

- **simpul**: `/` served by `manage.py runserver` (DEBUG, no base-map tiles; warmed by one
  request first): the folium page plus the layers it loads by viewport. Interactive = the
  map has no layer request pending (`window.simpul.firstIdleAt`).
- **naive**: a folium page made with the same local JS/CSS that inlines every public hotspot
  (Marker with popup and tooltip in a MarkerCluster) and every desa/kelurahan as a GeoJson
  choropleth; served as a static file. Interactive = the `load` event (folium's scripts have
  run) and the next animation frame.

Transfer is the sum of Chromium's `encodedDataLength` over all responses (no compression on
either server). Database names are `<--db-prefix><scale>` on `--database-url`'s server.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("SIMPUL_SHARED_DATA", REPO / ".." / "shared" / "data"))
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 800}
SEED = 20240601
TARGET_BYTES = 2_000_000
TARGET_SECONDS = 3.0
TARGET_RATIO = 10


# --- Preparation (runs in a subprocess with the scale's DATABASE_URL) ---------------------------
def _django():
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()


def prepare(scale: str, hotspots: int, naive_path: Path) -> None:
    """Fill the scale's database if needed and write the naive page."""
    _django()
    from django.core.management import call_command

    from geo.coverage.services import compute_coverage
    from geo.models import AdminArea, CoverageRun
    from inventory.models import Hotspot

    call_command("migrate", verbosity=0)
    if scale == "mojokerto":
        if not Hotspot.objects.exists():
            call_command("load_demo", verbosity=0)
    else:
        if not AdminArea.objects.leaves().exists():
            call_command("load_areas", str(DATA / "jatim_desa.gpkg"), layer="desa_kelurahan",
                         level="desa_kelurahan", make_valid=True, verbosity=0)
        missing = hotspots - Hotspot.objects.count()
        if missing > 0:
            _synthetic_hotspots(missing)
    if not CoverageRun.objects.filter(scope__isnull=True).exists():
        started = time.perf_counter()
        compute_coverage()
        print(f"[{scale}] coverage run in {time.perf_counter() - started:.1f} s", flush=True)
    if naive_path.exists():
        return
    started = time.perf_counter()
    size = write_naive_page(naive_path)
    print(f"[{scale}] naive page: {size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s",
          flush=True)


def _synthetic_hotspots(count: int) -> None:
    """Create `count` seeded hotspots, each inside a village chosen uniformly at random."""
    import shapely
    from django.contrib.gis.geos import Point

    from geo.models import AdminArea
    from inventory.models import Hotspot

    rng = random.Random(SEED)
    villages = [(pk, shapely.from_wkb(bytes(geom.wkb)))
                for pk, geom in AdminArea.objects.leaves().values_list("pk", "geom")]
    for _, polygon in villages:
        shapely.prepare(polygon)
    statuses = ["active"] * 22 + ["maintenance", "down", "planned"]
    batch = []
    for number in range(count):
        pk, polygon = villages[rng.randrange(len(villages))]
        min_x, min_y, max_x, max_y = polygon.bounds
        while True:
            x, y = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
            if polygon.contains(shapely.Point(x, y)):
                break
        batch.append(Hotspot(
            name=f"Wifi sintetis {number + 1}", ssid="Bench-Free", operator="Bench",
            site_type="jalan", placement="outdoor", status=rng.choice(statuses),
            coverage_radius_m=rng.randint(30, 150), geom=Point(x, y, srid=4326), area_id=pk,
            source="bench",
        ))
        if len(batch) == 5000:
            Hotspot.objects.bulk_create(batch)
            batch = []
    Hotspot.objects.bulk_create(batch)


def write_naive_page(path: Path) -> int:
    """A folium page that inlines every public hotspot and every desa/kelurahan."""
    import folium
    from django.utils.html import escape
    from folium.plugins import MarkerCluster

    from geo.coverage.services import latest_run
    from geo.maps.assets import apply_local_assets
    from geo.maps.constants import COVERAGE_CLASSES
    from geo.maps.elements import js_template_text
    from geo.maps.queries import leaf_extent, public_hotspots
    from geo.models import AdminArea, AreaCoverage

    min_lon, min_lat, max_lon, max_lat = leaf_extent()
    m = folium.Map(tiles=None)
    m.fit_bounds([[min_lat, min_lon], [max_lat, max_lon]])
    run = latest_run()
    pct = dict(AreaCoverage.objects.filter(run=run, level=4).values_list("area_id", "covered_pct"))
    features = [
        {"type": "Feature", "geometry": json.loads(geom.geojson),
         "properties": {"code": code, "name": name, "pct": round(pct.get(pk, 0), 1)}}
        for pk, code, name, geom in AdminArea.objects.leaves().values_list("pk", "code", "name",
                                                                            "geom")
    ]

    def color(feature):
        for upper, fill in COVERAGE_CLASSES:
            if feature["properties"]["pct"] <= upper:
                return {"fillColor": fill, "color": "#555", "weight": 1, "fillOpacity": 0.45}
        return {"fillColor": COVERAGE_CLASSES[-1][1], "color": "#555", "weight": 1}

    folium.GeoJson({"type": "FeatureCollection", "features": features}, name="Kelurahan",
                   style_function=color,
                   tooltip=folium.GeoJsonTooltip(["name", "pct"])).add_to(m)
    cluster = MarkerCluster(name="Hotspot").add_to(m)
    rows = public_hotspots().values_list("geom", "name", "ssid", "operator", "status")
    for geom, name, ssid, operator, status in rows.iterator(chunk_size=5000):
        popup = (f"<b>{js_template_text(name)}</b><br>SSID: {js_template_text(ssid)}<br>"
                 f"{js_template_text(operator)} · {escape(status)}")
        folium.Marker([geom.y, geom.x], popup=folium.Popup(popup),
                      tooltip=js_template_text(name)).add_to(cluster)
    folium.LayerControl().add_to(m)
    apply_local_assets(m).save(str(path))
    return path.stat().st_size


# --- Measuring --------------------------------------------------------------------------------
def _serve_naive(folder: Path) -> tuple[http.server.ThreadingHTTPServer, int]:
    (folder / "static").unlink(missing_ok=True)
    (folder / "static").symlink_to(REPO / "geo" / "static")
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _start_simpul(database_url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "true", "SIMPUL_TILE_URL": "",
           "SIMPUL_API_ANON_RATE": ""}
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload",
         "--skip-checks"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/static/simpul/map.css", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("runserver did not start")


def measure(browser, url: str, simpul: bool, timeout_s: float) -> dict:
    """Transfer and time to interactive of one page load with an empty cache."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    totals = {"bytes": 0, "requests": 0}

    def finished(event):
        totals["bytes"] += event["encodedDataLength"]
        totals["requests"] += 1

    cdp.on("Network.loadingFinished", finished)
    timeout_ms = timeout_s * 1000
    result = {"url": url}
    try:
        page.goto(url, wait_until="commit", timeout=timeout_ms)
        if simpul:
            # A function, not an expression: Playwright evaluates an expression string with
            # eval, which the page's Content-Security-Policy forbids.
            page.wait_for_function("() => window.simpul && window.simpul.firstIdleAt !== null",
                                   timeout=timeout_ms)
            result["interactive_s"] = page.evaluate("window.simpul.firstIdleAt") / 1000
            result["counts"] = page.evaluate("window.simpul.counts()")
        else:
            page.wait_for_load_state("load", timeout=timeout_ms)
            result["interactive_s"] = page.evaluate(
                "new Promise(r => requestAnimationFrame(() => r(performance.now())))") / 1000
    except Exception as exc:  # a page that never becomes interactive is a result, not a crash
        result["interactive_s"] = None
        result["error"] = type(exc).__name__
    time.sleep(0.3)
    result.update(totals)
    context.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="mojokerto,jatim")
    parser.add_argument("--hotspots", type=int, default=100_000)
    parser.add_argument("--naive-timeout", type=float, default=180)
    parser.add_argument("--database-url", default="postgis://postgres@127.0.0.1:5432/")
    parser.add_argument("--db-prefix", default="simpul_bench_map_")
    parser.add_argument("--port", type=int, default=18_432)
    parser.add_argument("--fresh", action="store_true", help="rewrite the naive pages")
    parser.add_argument("--prepare", help=argparse.SUPPRESS)
    parser.add_argument("--naive-path", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.prepare, args.hotspots, Path(args.naive_path))
        return

    from playwright.sync_api import sync_playwright

    # Naive pages are kept between runs (the province one takes minutes to write).
    folder = Path(tempfile.gettempdir()) / "simpul-bench-map"
    folder.mkdir(exist_ok=True)
    if args.fresh:
        for old in folder.glob("naive_*.html"):
            old.unlink()
    naive_server, naive_port = _serve_naive(folder)
    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for scale in args.scales.split(","):
            database_url = args.database_url.rstrip("/") + "/" + args.db_prefix + scale
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres",
                            args.db_prefix + scale], capture_output=True)
            naive = folder / f"naive_{args.db_prefix}{scale}.html"
            subprocess.run(
                [sys.executable, __file__, "--prepare", scale, "--hotspots", str(args.hotspots),
                 "--naive-path", str(naive)],
                env={**os.environ, "DATABASE_URL": database_url, "DEBUG": "true",
                     "SIMPUL_TILE_URL": ""},
                check=True,
            )
            server = _start_simpul(database_url, args.port)
            try:
                # Warm the server (imports, templates, database connection) like a live site.
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/", timeout=60).read()
                simpul = measure(browser, f"http://127.0.0.1:{args.port}/", True, 60)
            finally:
                server.terminate()
                server.wait()
            plain = measure(browser, f"http://127.0.0.1:{naive_port}/{naive.name}", False,
                            args.naive_timeout)
            results.append((scale, simpul, plain))
        browser.close()
    naive_server.shutdown()
    report(results, args.naive_timeout)


def report(results, naive_timeout: float) -> None:
    """Print the figures side by side, and the province targets."""
    def seconds(r):
        return f"{r['interactive_s']:.2f} s" if r["interactive_s"] is not None else (
            f"> {naive_timeout:.0f} s ({r.get('error')})")

    print(f"\n{'scale':<10} {'page':<7} {'transfer':>12} {'requests':>9} {'interactive':>18}")
    for scale, simpul, plain in results:
        for name, r in (("simpul", simpul), ("naive", plain)):
            print(f"{scale:<10} {name:<7} {r['bytes'] / 1e6:>9.2f} MB {r['requests']:>9} "
                  f"{seconds(r):>18}")
        ratio = plain["bytes"] / simpul["bytes"]
        print(f"{scale:<10} naive/simpul transfer: {ratio:.1f}x; layers drawn: "
              f"{simpul.get('counts')}")
        if scale == "jatim":
            ok = (simpul["bytes"] < TARGET_BYTES and simpul["interactive_s"] is not None
                  and simpul["interactive_s"] < TARGET_SECONDS and ratio >= TARGET_RATIO)
            print(f"province targets (< 2 MB, < 3 s, >= 10x less than naive): "
                  f"{'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
