"""Benchmark: coverage per village, tuned pipeline vs a straightforward geopandas baseline.

    python bench/coverage.py [--scales mojokerto,jatim100k,jatim1m] [--baseline-timeout 600]

Villages: `desa_kelurahan` of jatim_desa.gpkg (8,494 Jawa Timur villages), reprojected once to
EPSG:32749; the Mojokerto scale uses its 18 kelurahan (codes 35.76.*). Hotspots are synthetic
and seeded: each is placed uniformly inside a village chosen uniformly at random (every village
equally likely, so small urban kelurahan get dense, overlapping hotspots, like a city centre),
with a radius uniform in 30-150 m.

Each scale runs in its own subprocess, so that its peak memory (ru_maxrss, loading included) is
its own; the baseline runs in another subprocess, killed after --baseline-timeout seconds. The
correctness check compares the tuned result with the baseline restricted to a sample of villages
(all villages for Mojokerto).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from geo.coverage.analysis import QUAD_SEGS, area_coverage, covered_geometry  # noqa: E402

DATA = Path(os.environ.get("SIMPUL_SHARED_DATA", REPO / ".." / "shared" / "data"))
ANALYSIS_CRS = "EPSG:32749"
SCALES = {"mojokerto": 158, "jatim10k": 10_000, "jatim100k": 100_000, "jatim1m": 1_000_000}
SEED = 20240601
SAMPLE_VILLAGES = 300


def load_villages(scale: str) -> tuple[gpd.GeoDataFrame, float]:
    """Villages in the analysis CRS, indexed by code, and the loading time in seconds."""
    start = time.perf_counter()
    raw = pyogrio.read_dataframe(DATA / "jatim_desa.gpkg", layer="desa_kelurahan")
    if scale == "mojokerto":
        raw = raw[raw["kode"].str.startswith("35.76.")]
    villages = gpd.GeoDataFrame(
        {"population": np.nan},
        geometry=raw.geometry.to_crs(ANALYSIS_CRS).to_numpy(),
        index=pd.Index(raw["kode"].to_numpy(), name="code"),
        crs=ANALYSIS_CRS,
    )
    return villages, time.perf_counter() - start


def synthetic_hotspots(villages: gpd.GeoDataFrame, n: int) -> gpd.GeoDataFrame:
    """n seeded hotspots, each uniform inside a uniformly chosen village, radius 30-150 m."""
    rng = np.random.default_rng(SEED)
    geoms = np.asarray(villages.geometry.array)
    shapely.prepare(geoms)
    bounds = shapely.bounds(geoms)
    village = rng.integers(0, len(geoms), n)
    x, y = np.empty(n), np.empty(n)
    todo = np.arange(n)
    while len(todo):
        v = village[todo]
        x[todo] = rng.uniform(bounds[v, 0], bounds[v, 2])
        y[todo] = rng.uniform(bounds[v, 1], bounds[v, 3])
        todo = todo[~shapely.contains_xy(geoms[v], x[todo], y[todo])]
    return gpd.GeoDataFrame(
        {"id": np.arange(1, n + 1), "radius_m": rng.uniform(30.0, 150.0, n)},
        geometry=shapely.points(x, y),
        crs=ANALYSIS_CRS,
    )


def baseline_covered_m2(villages: gpd.GeoDataFrame, hotspots: gpd.GeoDataFrame) -> pd.Series:
    """The straightforward way: buffer all, union all, overlay the union with the villages."""
    circles = hotspots.geometry.buffer(hotspots["radius_m"], quad_segs=QUAD_SEGS)
    union = gpd.GeoDataFrame(geometry=[circles.union_all()], crs=villages.crs)
    pieces = gpd.overlay(villages.reset_index()[["code", "geometry"]], union, how="intersection")
    covered = pieces.geometry.area.groupby(pieces["code"].to_numpy()).sum()
    return covered.reindex(villages.index, fill_value=0.0)


def max_relative_difference(tuned: pd.Series, baseline: pd.Series) -> float:
    """Largest |tuned - baseline| / baseline over villages (1 m² floor on the denominator)."""
    tuned = tuned.reindex(baseline.index)
    return float((np.abs(tuned - baseline) / np.maximum(baseline, 1.0)).max())


def run_scale(scale: str, workers: int) -> dict:
    """Tuned run of one scale (called in a subprocess), plus the sampled correctness check."""
    villages, load_s = load_villages(scale)
    hotspots = synthetic_hotspots(villages, SCALES[scale])
    start = time.perf_counter()
    tuned = area_coverage(villages, hotspots, workers=workers)
    tuned_s = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    covered = covered_geometry(villages, hotspots, workers=workers)
    geometry_s = time.perf_counter() - start
    peak_geometry_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    geometry_diff = max_relative_difference(covered.area, tuned["covered_m2"])

    if len(villages) > SAMPLE_VILLAGES:
        sample = villages.sample(SAMPLE_VILLAGES, random_state=SEED)
        # Every hotspot within the largest radius of a sampled village: a superset of those
        # whose circle reaches it, which leaves the baseline's answer unchanged.
        _, hit = shapely.STRtree(np.asarray(hotspots.geometry.array)).query(
            np.asarray(sample.geometry.array),
            predicate="dwithin",
            distance=hotspots["radius_m"].max(),
        )
        near = hotspots.iloc[np.unique(hit)]
    else:
        sample, near = villages, hotspots
    start = time.perf_counter()
    expected = baseline_covered_m2(sample, near)
    sample_baseline_s = time.perf_counter() - start
    return {
        "scale": scale,
        "villages": len(villages),
        "hotspots": len(hotspots),
        "load_s": load_s,
        "tuned_s": tuned_s,
        "peak_mb": peak_mb,
        "geometry_s": geometry_s,
        "peak_geometry_mb": peak_geometry_mb,
        "geometry_vs_area_diff": geometry_diff,
        "sample_villages": len(sample),
        "sample_baseline_s": sample_baseline_s,
        "max_rel_diff": max_relative_difference(tuned["covered_m2"], expected),
        "covered_km2": float(tuned["covered_m2"].sum() / 1e6),
    }


def run_baseline(scale: str) -> dict:
    """Full baseline run of one scale (called in a subprocess)."""
    villages, _ = load_villages(scale)
    hotspots = synthetic_hotspots(villages, SCALES[scale])
    start = time.perf_counter()
    covered = baseline_covered_m2(villages, hotspots)
    return {"baseline_s": time.perf_counter() - start, "covered_km2": covered.sum() / 1e6}


def in_subprocess(args: list[str], timeout: float | None) -> dict | None:
    """Run this script with `args`; its last stdout line is JSON. None on timeout."""
    try:
        done = subprocess.run(
            [sys.executable, __file__, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="mojokerto,jatim100k")
    parser.add_argument(
        "--baseline-timeout", type=float, default=600.0, help="seconds; 0 skips the baseline"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--run-scale", help=argparse.SUPPRESS)
    parser.add_argument("--run-baseline", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_scale:
        print(json.dumps(run_scale(args.run_scale, args.workers)))
        return
    if args.run_baseline:
        print(json.dumps(run_baseline(args.run_baseline)))
        return

    print(f"machine: {os.cpu_count()} cores, workers={args.workers}, quad_segs={QUAD_SEGS}")
    header = (
        f"{'scale':<10} {'villages':>8} {'hotspots':>9} {'load s':>7} {'tuned s':>8} "
        f"{'+geom s':>8} {'baseline s':>18} {'ratio':>8} {'peak MB':>8} {'max rel diff':>13}"
    )
    print(header)
    for scale in args.scales.split(","):
        if scale not in SCALES:
            parser.error(f"unknown scale {scale!r}; choose from {', '.join(SCALES)}")
        tuned = in_subprocess(["--run-scale", scale, "--workers", str(args.workers)], None)
        base = None
        if args.baseline_timeout > 0:
            base = in_subprocess(["--run-baseline", scale], args.baseline_timeout)
        if args.baseline_timeout <= 0:
            baseline_text, ratio = "not run", "-"
        elif base is None:
            baseline_text = f"> {args.baseline_timeout:.0f} (lower bound)"
            ratio = f"> {args.baseline_timeout / tuned['tuned_s']:.0f}x"
        else:
            baseline_text = f"{base['baseline_s']:.2f}"
            ratio = f"{base['baseline_s'] / tuned['tuned_s']:.0f}x"
        print(
            f"{scale:<10} {tuned['villages']:>8} {tuned['hotspots']:>9} {tuned['load_s']:>7.2f} "
            f"{tuned['tuned_s']:>8.2f} {tuned['geometry_s']:>8.2f} {baseline_text:>18} "
            f"{ratio:>8} {tuned['peak_mb']:>8.0f} {tuned['max_rel_diff']:>13.2e}",
            flush=True,
        )
        print(f"  detail: {json.dumps({'tuned': tuned, 'baseline': base})}", flush=True)


if __name__ == "__main__":
    main()
