"""Benchmark: Simpul's importers side by side with `ogr2ogr -f PostgreSQL` (the floor).

    python bench/import_assets.py [--rows 100000] [--database-url postgis://…/simpul_bench_io]
                                  [--keep-db]

It (re)creates a scratch database (default `simpul_bench_io`; never the dev database),
migrates it, then times, each in its own process (wall time and peak RSS, VmHWM):

1. `manage.py load_areas jatim_desa.gpkg --layer desa_kelurahan --level desa_kelurahan`
   (8,494 Jawa Timur desa/kelurahan) against `ogr2ogr` of the same layer into a plain table;
2. `manage.py import_assets hotspots` of N synthetic hotspots from CSV, then from
   GeoPackage (validation, one area per point, duplicate checks, history rows), against
   `ogr2ogr` of the same files into a plain table (no validation, no areas);
3. the schema floor: the rows the CSV import stored (and their history rows), dumped and
   copied back by psql in one transaction, into Simpul's tables with their indexes,
   constraints and foreign keys: what any importer into this schema must at least spend;
4. the GeoPackage again with `--update` (nothing changed), and the CSV with every status
   changed (every record updated, with its history row).

Hotspots are seeded: each stands at a uniform random point inside a desa chosen uniformly
at random, so every point has an area. Figures are printed as a table with the ratio.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pyogrio
import shapely

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("SIMPUL_SHARED_DATA", REPO / ".." / "shared" / "data"))
DEFAULT_URL = "postgis://postgres@127.0.0.1:5432/simpul_bench_io"
SEED = 20240601


def run(command: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """Run a command; return (wall seconds, peak RSS in MB, output). Fails loudly.

    The peak is the child's own VmHWM, polled from /proc every 20 ms: `ru_maxrss` of a
    child also counts the memory of this (large) process it was forked from.
    """
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   text=True, cwd=REPO)
        peak_kb = 0
        while process.poll() is None:
            peak_kb = max(peak_kb, _high_water_kb(process.pid))
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        log.seek(0)
        output = log.read()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{output}")
    return seconds, peak_kb / 1024, output


def _high_water_kb(pid: int) -> int:
    """VmHWM (peak resident memory) of a running process, in kB; 0 once it has gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def psql(url, sql: str, database: str | None = None):
    parts = urlparse(url)
    subprocess.run(
        ["psql", "-q", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432),
         "-U", parts.username or "postgres", "-d", database or parts.path.lstrip("/"),
         "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True, capture_output=True,
    )


def pg_connection(url) -> str:
    parts = urlparse(url)
    return (f"PG:host={parts.hostname or '127.0.0.1'} port={parts.port or 5432} "
            f"user={parts.username or 'postgres'} dbname={parts.path.lstrip('/')}")


def fresh_database(url, env):
    name = urlparse(url).path.lstrip("/")
    if name in ("simpul", "", "postgres"):
        raise SystemExit(f"Refusing to use database {name!r}; give a scratch database.")
    psql(url, f'DROP DATABASE IF EXISTS "{name}"', database="postgres")
    psql(url, f'CREATE DATABASE "{name}"', database="postgres")
    psql(url, "CREATE EXTENSION IF NOT EXISTS postgis")
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env)


def make_hotspots(rows: int, folder: Path) -> tuple[Path, Path]:
    """N seeded hotspots inside random Jawa Timur desa, as CSV and GeoPackage."""
    villages = pyogrio.read_dataframe(DATA / "jatim_desa.gpkg", layer="desa_kelurahan",
                                      columns=["kode"])
    rng = np.random.default_rng(SEED)
    chosen = rng.integers(0, len(villages), rows)
    geoms = villages.geometry.to_numpy()
    points = np.empty(rows, dtype=object)
    for index in np.unique(chosen):
        slots = np.flatnonzero(chosen == index)
        polygon = geoms[index]
        shapely.prepare(polygon)
        minx, miny, maxx, maxy = polygon.bounds
        found = []
        while len(found) < len(slots):
            xs = rng.uniform(minx, maxx, 4 * len(slots) + 8)
            ys = rng.uniform(miny, maxy, 4 * len(slots) + 8)
            inside = shapely.contains_xy(polygon, xs, ys)
            found.extend(zip(xs[inside], ys[inside], strict=True))
        points[slots] = [shapely.Point(x, y) for x, y in found[: len(slots)]]
    site_types = np.array(["taman", "kantor_kelurahan", "sekolah", "puskesmas", "jalan"])
    names = [f"Wifi {i}" for i in range(rows)]
    data = {
        "external_id": [f"B-{i}" for i in range(rows)],
        "name": names,
        "operator": ["Diskominfo"] * rows,
        "site_type": site_types[rng.integers(0, len(site_types), rows)],
        "placement": np.where(rng.random(rows) < 0.3, "indoor", "outdoor"),
        "status": ["active"] * rows,
        "installed_on": ["2022-01-01"] * rows,
    }
    csv_path = folder / "hotspots.csv"
    with open(csv_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*data, "latitude", "longitude"])
        columns = list(data.values())
        for i, point in enumerate(points):
            writer.writerow([c[i] for c in columns] + [f"{point.y:.7f}", f"{point.x:.7f}"])
    import geopandas as gpd

    gpkg_path = folder / "hotspots.gpkg"
    gpd.GeoDataFrame(data, geometry=list(points), crs="EPSG:4326").to_file(
        gpkg_path, layer="hotspots", engine="pyogrio")
    return csv_path, gpkg_path


def schema_floor(url, folder: Path) -> tuple[float, float]:
    """Time COPY of the rows just imported, as stored, back into Simpul's own tables.

    The rows and their history rows are dumped, the tables emptied, and one psql session
    copies them back in one transaction: the indexes, constraints and foreign-key checks
    of the real schema, with no reading, validation or Python at all.
    """
    rows, history = folder / "rows.tsv", folder / "history.tsv"
    psql(url, f"\\copy inventory_hotspot TO '{rows}'")
    psql(url, f"\\copy inventory_historicalhotspot TO '{history}'")
    psql(url, "TRUNCATE inventory_hotspot, inventory_historicalhotspot CASCADE")
    parts = urlparse(url)
    script = folder / "floor.sql"
    script.write_text(
        "BEGIN;\n"
        f"\\copy inventory_hotspot FROM '{rows}'\n"
        f"\\copy inventory_historicalhotspot FROM '{history}'\n"
        "COMMIT;\n"
    )
    seconds, rss, _ = run(
        ["psql", "-q", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432),
         "-U", parts.username or "postgres", "-d", parts.path.lstrip("/"),
         "-v", "ON_ERROR_STOP=1", "-f", str(script)]
    )
    return seconds, rss


def ogr2ogr(url, source: Path, table: str, layer: str | None = None, csv_points=False):
    command = ["ogr2ogr", "-f", "PostgreSQL", pg_connection(url), str(source),
               "-nln", table, "-overwrite", "-lco", "GEOMETRY_NAME=geom"]
    if layer:
        command.append(layer)
    if csv_points:
        command += ["-oo", "X_POSSIBLE_NAMES=longitude", "-oo", "Y_POSSIBLE_NAMES=latitude",
                    "-a_srs", "EPSG:4326"]
    return run(command)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 DEFAULT_URL))
    parser.add_argument("--keep-db", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    url = args.database_url
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "true"}
    manage = [sys.executable, "manage.py"]
    print(f"Scratch database {urlparse(url).path.lstrip('/')}; {os.cpu_count()} cores.")
    fresh_database(url, env)
    results = []

    gpkg = DATA / "jatim_desa.gpkg"
    seconds, rss, _ = run(manage + ["load_areas", str(gpkg), "--layer", "desa_kelurahan",
                                    "--level", "desa_kelurahan"], env)
    floor, floor_rss, _ = ogr2ogr(url, gpkg, "bench_desa", layer="desa_kelurahan")
    results.append(("load_areas: 8,494 Jatim desa (GPKG)", seconds, floor, rss, floor_rss))

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        csv_path, gpkg_path = make_hotspots(args.rows, Path(folder))
        print(f"Generated {args.rows:,} hotspots in {time.perf_counter() - started:.1f} s "
              f"(CSV {csv_path.stat().st_size / 2**20:.1f} MB, "
              f"GPKG {gpkg_path.stat().st_size / 2**20:.1f} MB).")
        for label, path, csv_points in (("CSV", csv_path, True), ("GPKG", gpkg_path, False)):
            psql(url, "TRUNCATE inventory_hotspot, inventory_historicalhotspot CASCADE")
            seconds, rss, output = run(manage + ["import_assets", "hotspots", str(path)], env)
            summary = output.strip().splitlines()[-1]
            floor, floor_rss, _ = ogr2ogr(url, path, f"bench_hotspots_{label.lower()}",
                                          csv_points=csv_points)
            results.append((f"import_assets: {args.rows:,} hotspots ({label})", seconds, floor,
                            rss, floor_rss))
            print(f"  {label}: {summary}")
            if label == "CSV":
                copy_seconds, copy_rss = schema_floor(url, Path(folder))
                results.append((f"schema floor: COPY of the {args.rows:,} stored rows",
                                copy_seconds, floor, copy_rss, floor_rss))
        # Re-import in update mode: everything is unchanged, nothing is written.
        seconds, rss, output = run(
            manage + ["import_assets", "hotspots", str(gpkg_path), "--update"], env)
        print(f"  GPKG again with --update: {output.strip().splitlines()[-1]}")
        results.append((f"import_assets --update: {args.rows:,} unchanged (GPKG)", seconds,
                        None, rss, None))
        # And with every record changed (status active -> maintenance).
        changed = Path(folder) / "changed.csv"
        changed.write_text(csv_path.read_text(encoding="utf-8").replace(",active,",
                                                                         ",maintenance,"),
                           encoding="utf-8")
        seconds, rss, output = run(
            manage + ["import_assets", "hotspots", str(changed), "--update"], env)
        print(f"  CSV with every status changed, --update: {output.strip().splitlines()[-1]}")
        results.append((f"import_assets --update: {args.rows:,} changed (CSV)", seconds,
                        None, rss, None))

    print()
    print(f"{'step':<52} {'simpul s':>9} {'ogr2ogr s':>10} {'ratio':>6} "
          f"{'simpul MB':>10} {'ogr2ogr MB':>11}")
    for label, seconds, floor, rss, floor_rss in results:
        ratio = f"{seconds / floor:.1f}x" if floor else "-"
        floor_text = f"{floor:.1f}" if floor else "-"
        floor_mb = f"{floor_rss:.0f}" if floor_rss else "-"
        print(f"{label:<52} {seconds:>9.1f} {floor_text:>10} {ratio:>6} {rss:>10.0f} "
              f"{floor_mb:>11}")
    if not args.keep_db:
        name = urlparse(url).path.lstrip("/")
        psql(url, f'DROP DATABASE IF EXISTS "{name}"', database="postgres")


if __name__ == "__main__":
    main()
