"""Benchmark: the REST API's nearest-wifi and bbox list endpoints against bare Django views.

    python bench/api.py [--hotspots 1000000] [--duration 12] [--connections 16] [--workers 4]
                        [--keep-db] [--port 8799]

What it does, in a separate database (`simpul_bench_api`, dropped at the end unless
--keep-db):

1. creates the database, migrates it, and loads the 18 Kota Mojokerto kelurahan with
   `manage.py load_areas` from ../shared/data/mojokerto_kelurahan.geojson;
2. inserts N synthetic hotspots with one `INSERT … SELECT generate_series`: uniform random
   points in the city's bounding box, kept when a kelurahan covers them (a spatial join sets
   `area_id`); 10% are `down`, all free, installed 2020-01-01. The GiST index is rebuilt
   after the insert, then the table is analysed;
3. serves the project with gunicorn (sync workers) on 127.0.0.1 only, DEBUG off, throttling
   off (wrk is a single client, it would only measure the throttle), persistent connections;
4. runs wrk on loopback, in interleaved rounds (A B B A) after a warm-up, side by side:
   - `/api/hotspots/nearest/?lat=&lon=` (DRF) and `/bench/bare-nearest/?lat=&lon=`, a bare
     Django view running the same KNN SQL through a cursor (the framework floor);
   - `/api/hotspots/?in_bbox=…` (DRF, first page of 100 GeoJSON features) and
     `/bench/bare-bbox/?in_bbox=…` (the same COUNT and SELECT through a cursor);
   every request picks a random point (or box) inside the city, from a seeded Lua script.
5. prints a Markdown table (requests/s, p50, p99, errors) and whether the nearest endpoint
   meets its target: >= 60% of the bare view's throughput, p99 < 50 ms, zero errors.

The gunicorn entry point is `bench.api:wsgi()`: the project's WSGI application with the two
bare views mounted under /bench/.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("SIMPUL_SHARED_DATA", REPO / ".." / "shared" / "data"))
PYTHON = sys.executable
BENCH_DB = "simpul_bench_api"
# Kota Mojokerto's bounding box (lon/lat), a little inside the outline.
CITY_BBOX = (112.4097, -7.4914, 112.4651, -7.4502)
BBOX_SIDE_DEG = 0.0006  # ≈ 66 m × 66 m: ≈ 220 of 1,000,000 hotspots per box
TARGET_SHARE, TARGET_P99_MS = 0.60, 50.0

# --- The served application -------------------------------------------------------------

NEAREST_FIELDS = ("id", "name", "ssid", "operator", "site_type", "placement", "status",
                  "opening_hours", "coverage_radius_m", "area_code")
BBOX_FILTER = "ST_Intersects(h.geom, ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 4326))"
BBOX_COUNT_SQL = f"SELECT count(*) FROM inventory_hotspot h WHERE {BBOX_FILTER}"
BBOX_PAGE_SQL = f"""
SELECT h.*, ST_X(h.geom) AS lon, ST_Y(h.geom) AS lat, a.code AS area_code,
       a.name AS area_name
FROM inventory_hotspot h JOIN geo_adminarea a ON a.id = h.area_id
WHERE {BBOX_FILTER}
ORDER BY h.name LIMIT 100
"""


def bare_nearest(request):
    """The 5 nearest free hotspots in service, by the API's own SQL, without DRF."""
    from django.db import connection
    from django.http import JsonResponse
    from django.utils import timezone

    from inventory.querysets import NEAREST_FREE_HOTSPOTS_SQL

    try:
        lat, lon = float(request.GET["lat"]), float(request.GET["lon"])
    except (KeyError, ValueError):
        return JsonResponse({"detail": "lat and lon are required numbers"}, status=400)
    params = {"lat": lat, "lon": lon, "today": timezone.localdate(), "status": "",
              "candidates": 40, "limit": 5}
    with connection.cursor() as cursor:
        cursor.execute(NEAREST_FREE_HOTSPOTS_SQL, params)
        rows = cursor.fetchall()
    features = [
        {
            "id": row[0],
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(row[10], 7), round(row[11], 7)]},
            "properties": {**dict(zip(NEAREST_FIELDS[1:], row[1:10], strict=True)),
                           "distance_m": round(row[12], 1)},
        }
        for row in rows
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


def bare_bbox(request):
    """The first 100 hotspots in a box (and the count), by the same SQL, without DRF."""
    from django.db import connection
    from django.http import JsonResponse

    x0, y0, x1, y1 = (float(v) for v in request.GET["in_bbox"].split(","))
    params = {"x0": x0, "y0": y0, "x1": x1, "y1": y1}
    with connection.cursor() as cursor:
        cursor.execute(BBOX_COUNT_SQL, params)
        count = cursor.fetchone()[0]
        cursor.execute(BBOX_PAGE_SQL, params)
        names = [c.name for c in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    features = []
    for row in rows:
        lon, lat = row.pop("lon"), row.pop("lat")
        row.pop("geom"), row.pop("coverage_area"), row.pop("notes")
        features.append({"id": row.pop("id"), "type": "Feature",
                         "geometry": {"type": "Point",
                                      "coordinates": [round(lon, 7), round(lat, 7)]},
                         "properties": row})
    return JsonResponse({"type": "FeatureCollection", "count": count, "features": features},
                        json_dumps_params={"default": str})


def wsgi():
    """Gunicorn factory (`bench.api:wsgi()`): the project plus the bare views."""
    from importlib import import_module

    import django
    from django.urls import path

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    global urlpatterns
    urlpatterns = [
        path("bench/bare-nearest/", bare_nearest),
        path("bench/bare-bbox/", bare_bbox),
        *import_module(settings.ROOT_URLCONF).urlpatterns,
    ]
    settings.ROOT_URLCONF = __name__
    application = get_wsgi_application()
    from config.startup import settle_process

    settle_process()  # as config/wsgi.py does
    return application


# --- The run ------------------------------------------------------------------------------

LUA = """
math.randomseed(%(seed)d)
local counter = 0
local x0, y0, x1, y1 = %(x0)f, %(y0)f, %(x1)f, %(y1)f
setup = function(thread)
  counter = counter + 1
  thread:set("id", counter)
end
init = function(args)
  math.randomseed(%(seed)d + id)
end
request = function()
  local lon = x0 + math.random() * (x1 - x0)
  local lat = y0 + math.random() * (y1 - y0)
  local path
  if "%(kind)s" == "bbox" then
    local s = %(side)f
    path = string.format("%(path)s?in_bbox=%%.6f,%%.6f,%%.6f,%%.6f", lon, lat, lon + s, lat + s)
  else
    path = string.format("%(path)s?lat=%%.6f&lon=%%.6f", lat, lon)
  end
  return wrk.format("GET", path)
end
"""


def say(message: str) -> None:
    print(f"[bench/api] {message}", flush=True)


def psql_url(base: str, name: str) -> str:
    url = urlparse(base)
    return url._replace(path=f"/{name}").geturl()


def connect(url: str, dbname: str):
    import psycopg2

    parsed = urlparse(url)
    conn = psycopg2.connect(dbname=dbname, host=parsed.hostname, port=parsed.port or 5432,
                            user=parsed.username or "postgres", password=parsed.password or "")
    conn.autocommit = True
    return conn


def create_database(base_url: str, name: str = BENCH_DB) -> None:
    """A fresh, empty PostGIS database `name` (dropped first if it exists)."""
    drop_database(base_url, name)
    conn = connect(base_url, "postgres")
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    conn = connect(base_url, name)
    with conn.cursor() as cur:
        cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    conn.close()


def drop_database(base_url: str, name: str = BENCH_DB) -> None:
    """Drop the benchmark database `name`, closing its connections."""
    conn = connect(base_url, "postgres")
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=REPO, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def insert_hotspots(base_url: str, n: int) -> float:
    """Insert n hotspots inside the kelurahan; return the seconds it took."""
    start = time.perf_counter()
    conn = connect(base_url, BENCH_DB)
    x0, y0, x1, y1 = CITY_BBOX
    with conn.cursor() as cur:
        cur.execute("SELECT setseed(0.42)")
        cur.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'inventory_hotspot' "
                    "AND indexdef LIKE '%%USING gist (geom)%%'")
        geom_indexes = [row[0] for row in cur.fetchall()]
        for name in geom_indexes:
            cur.execute(f'DROP INDEX "{name}"')
        inserted = 0
        while inserted < n:
            want = n - inserted
            cur.execute(
                f"""
                INSERT INTO inventory_hotspot (
                    created, last_updated, name, external_id, source, installed_on,
                    decommissioned_on, notes, geom, ssid, operator, site_type, placement,
                    coverage_radius_m, backhaul, status, is_free, opening_hours, area_id)
                SELECT now(), now(), 'Bench ' || (%(offset)s + g.i), '', 'bench',
                       DATE '2020-01-01', NULL, '', g.pt, 'Simpul-Free',
                       (ARRAY['Diskominfo', 'Telkom', 'BAKTI'])[1 + g.i %% 3],
                       'taman', 'outdoor', 100, 'fiber',
                       CASE WHEN g.i %% 10 = 0 THEN 'down' ELSE 'active' END, true, '24/7',
                       a.id
                FROM (SELECT i, ST_SetSRID(ST_MakePoint(
                                {x0} + random() * {x1 - x0}, {y0} + random() * {y1 - y0}), 4326)
                             AS pt
                      FROM generate_series(1, %(draw)s) AS i) g
                JOIN LATERAL (SELECT id FROM geo_adminarea
                              WHERE level = 4 AND ST_Covers(geom, g.pt)
                              ORDER BY code LIMIT 1) a ON true
                LIMIT %(want)s
                """,
                {"offset": inserted, "draw": int(want * 1.5) + 1000, "want": want},
            )
            inserted += cur.rowcount
        for name in geom_indexes:
            cur.execute(f'CREATE INDEX "{name}" ON inventory_hotspot USING gist (geom)')
        cur.execute("ANALYZE inventory_hotspot")
    conn.close()
    return time.perf_counter() - start


def wait_for(url: str, timeout: float = 30.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer {url} within {timeout} s")


def wrk_script(path: str, kind: str, seed: int) -> str:
    """A seeded Lua script asking for random points (or boxes) in the city."""
    x0, y0, x1, y1 = CITY_BBOX
    if kind == "bbox":
        x1, y1 = x1 - BBOX_SIDE_DEG, y1 - BBOX_SIDE_DEG
    script = LUA % {"seed": seed, "x0": x0, "y0": y0, "x1": x1, "y1": y1, "kind": kind,
                    "side": BBOX_SIDE_DEG, "path": path}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    return handle.name


def wrk(base: str, script: str, seconds: int, connections: int) -> dict:
    """One wrk run; its parsed figures."""
    out = subprocess.run(["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d",
                          f"{seconds}s", "--latency", "-s", script, base],
                         capture_output=True, text=True, check=True).stdout
    return parse_wrk(out)


def measure_pair(base: str, pair, duration: int, connections: int, rounds: int) -> dict:
    """Measure two endpoints in interleaved rounds (A B B A …) after warming both up.

    The machine may be shared, so background load changes over a minute; interleaving spreads
    it over both endpoints. Requests/s pool all rounds, p50 is the median round's, p99 the
    worst round's.
    """
    scripts = {label: wrk_script(path, kind, seed) for seed, (label, kind, path)
               in enumerate(pair, start=1)}
    for label in scripts:
        wrk(base, scripts[label], 3, connections)
    runs: dict[str, list[dict]] = {label: [] for label in scripts}
    seconds = max(1, duration // rounds)
    labels = list(scripts)
    for round_number in range(rounds):
        for label in labels if round_number % 2 == 0 else labels[::-1]:
            runs[label].append(wrk(base, scripts[label], seconds, connections))
    for script in scripts.values():
        os.unlink(script)
    results = {}
    for label, measured in runs.items():
        p50s = sorted(r["p50_ms"] for r in measured)
        results[label] = {
            "rps": sum(r["rps"] for r in measured) / len(measured),
            "requests": sum(r["requests"] for r in measured),
            "p50_ms": p50s[len(p50s) // 2],
            "p99_ms": max(r["p99_ms"] for r in measured),
            "errors": sum(r["errors"] for r in measured),
        }
    return results


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(out: str) -> dict:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       out)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (
        sum(int(g) for g in socket.groups()) if socket else 0)
    return {"rps": rps, "requests": total, "p50_ms": p50, "p99_ms": p99, "errors": errors}


def check_same_answer(base: str) -> None:
    """The DRF endpoint and the bare view return the same hotspots and distances."""
    for lat, lon in ((-7.4720, 112.4340), (-7.4600, 112.4500), (-7.4880, 112.4150)):
        query = f"?lat={lat}&lon={lon}"
        with urllib.request.urlopen(f"{base}/api/hotspots/nearest/{query}") as response:
            api = json.load(response)
        with urllib.request.urlopen(f"{base}/bench/bare-nearest/{query}") as response:
            bare = json.load(response)
        pairs = [[(f["id"], f["properties"]["distance_m"]) for f in body["features"]]
                 for body in (api, bare)]
        if pairs[0] != pairs[1] or len(pairs[0]) != 5:
            raise SystemExit(f"DRF and bare nearest differ at {lat},{lon}: {pairs}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hotspots", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=12, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=4,
                        help="interleaved rounds per endpoint (the duration is split)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument("--reuse-db", action="store_true",
                        help="use an existing benchmark database as it is (skips loading)")
    args = parser.parse_args()
    for tool in ("wrk", "gunicorn"):
        if not shutil.which(tool) and not (Path(PYTHON).parent / tool).exists():
            raise SystemExit(f"{tool} is missing: apt-get install -y wrk / pip install gunicorn")

    base_url = os.environ.get("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/simpul")
    env = {**os.environ, "DATABASE_URL": psql_url(base_url, BENCH_DB), "DEBUG": "false",
           "SECRET_KEY": "benchmark-only-secret-key", "ALLOWED_HOSTS": "127.0.0.1",
           "SECURE_SSL_REDIRECT": "false", "SIMPUL_API_ANON_RATE": "", "CONN_MAX_AGE": "600"}
    if not args.reuse_db:
        say(f"creating {BENCH_DB}, migrating, loading the 18 Mojokerto kelurahan")
        create_database(base_url)
        manage(env, "migrate", "--noinput")
        manage(env, "load_areas", str(DATA / "mojokerto_kelurahan.geojson"), "--level",
               "kelurahan", "--code-field", "kode", "--name-field", "kelurahan",
               "--population-field", "penduduk_2023", "--population-year", "2023")
        say(f"inserting {args.hotspots:,} hotspots")
        seconds = insert_hotspots(base_url, args.hotspots)
        say(f"inserted and indexed in {seconds:.1f} s")

    gunicorn = str(Path(PYTHON).parent / "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "bench.api:wsgi()", "--workers", str(args.workers), "--bind",
         f"127.0.0.1:{args.port}", "--log-level", "warning", "--backlog", "2048"],
        cwd=REPO, env=env, start_new_session=True,
    )
    base = f"http://127.0.0.1:{args.port}"
    results = {}
    load_before = os.getloadavg()[0]
    try:
        wait_for(f"{base}/api/hotspots/nearest/?lat=-7.47&lon=112.43")
        check_same_answer(base)
        say("DRF and bare nearest agree on 3 sample points")
        pairs = [
            [("DRF /api/hotspots/nearest/", "nearest", "/api/hotspots/nearest/"),
             ("bare view, same KNN SQL", "nearest", "/bench/bare-nearest/")],
            [("DRF /api/hotspots/?in_bbox= (100 per page)", "bbox", "/api/hotspots/"),
             ("bare view, same COUNT + SELECT", "bbox", "/bench/bare-bbox/")],
        ]
        for pair in pairs:
            say(f"measuring {pair[0][0]} and {pair[1][0]}: {args.rounds} interleaved rounds, "
                f"{args.duration} s each in total, {args.connections} connections")
            results.update(measure_pair(base, pair, args.duration, args.connections,
                                        args.rounds))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if not args.keep_db and not args.reuse_db:
            drop_database(base_url)

    print()
    print(f"{args.hotspots:,} hotspots, gunicorn {args.workers} sync workers, wrk "
          f"{args.connections} connections, {args.duration} s per endpoint in {args.rounds} "
          f"interleaved rounds, {os.cpu_count()} CPUs, load average before "
          f"{load_before:.1f}, after {os.getloadavg()[0]:.1f}")
    print()
    print("| endpoint | requests/s | p50 ms | p99 ms | requests | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, r in results.items():
        print(f"| {label} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | "
              f"{r['requests']} | {r['errors']} |")
    api, bare = results["DRF /api/hotspots/nearest/"], results["bare view, same KNN SQL"]
    share = api["rps"] / bare["rps"]
    ok = share >= TARGET_SHARE and api["p99_ms"] < TARGET_P99_MS and api["errors"] == 0
    print()
    print(f"nearest: {share:.0%} of the bare view's throughput, p99 {api['p99_ms']:.1f} ms, "
          f"{api['errors']} errors -> target {'MET' if ok else 'NOT MET'} "
          f"(>= {TARGET_SHARE:.0%}, p99 < {TARGET_P99_MS:.0f} ms, 0 errors)")


if __name__ == "__main__":
    main()
