"""Wifi coverage per area, aggregation to parent areas, white zones and facility access.

Pure functions: GeoDataFrames in, DataFrames out; no ORM, no database. Every geometry must be in
one metric CRS (EPSG:32749 for Jawa Timur); a geographic CRS raises ValueError.

A hotspot covers a circle of `radius_m` around its point, or its surveyed `coverage` polygon
when it has one. Circles are regular polygons with `QUAD_SEGS` segments per quarter circle
(64 vertices): their area is 0.16% below pi * r**2, the polygon being inscribed in the circle.

The per-area coverage is computed as follows (the naive "union everything, overlay with every
area" takes over 20 minutes at 100,000 hotspots; this takes seconds):
1. an STRtree pairs each coverage polygon with the areas it intersects;
2. a coverage polygon that touches no other coverage polygon needs no union: its covered part
   is itself when the area contains it, else its intersection with the area;
3. the other polygons are unioned per area, only with that area's own polygons, and the union
   is intersected once with the area.
The vectorised steps and the per-area loop run on `workers` threads (shapely releases the GIL).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

QUAD_SEGS = 16
"""Segments per quarter circle for hotspot circles (area 0.16% below pi * r**2)."""

DEFAULT_WORKERS = 2

_CIRCLE_VERTICES = 4 * QUAD_SEGS
# Clockwise from angle 0 and closed, like the rings GEOS builds for a buffered point.
_ANGLES = np.append(-np.arange(_CIRCLE_VERTICES) * (2 * np.pi / _CIRCLE_VERTICES), 0.0)
_UNIT_X = np.cos(_ANGLES)
_UNIT_Y = np.sin(_ANGLES)
_MIN_CHUNK = 2_000
_CIRCLE_BATCH = 10_000
_POLYGONAL = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)

AREA_COLUMNS = [
    "area_m2",
    "covered_m2",
    "covered_pct",
    "population",
    "covered_population",
    "hotspot_count",
]


# --- input checks -------------------------------------------------------------------------


def check_metric_crs(**frames: gpd.GeoDataFrame | gpd.GeoSeries | None) -> None:
    """Raise ValueError unless every given frame has the same projected CRS in metres."""
    crs_seen = None
    for name, frame in frames.items():
        if frame is None:
            continue
        crs = frame.crs
        if crs is None:
            raise ValueError(
                f"{name} has no CRS; set it and reproject to a metric CRS such as EPSG:32749"
            )
        if crs.is_geographic:
            raise ValueError(
                f"{name} is in a geographic CRS ({crs.to_string()}): distances and areas would "
                "be in degrees; reproject to a metric CRS such as EPSG:32749 first"
            )
        unit = crs.axis_info[0].unit_name if crs.axis_info else None
        if unit not in ("metre", "meter"):
            raise ValueError(f"{name} CRS {crs.to_string()} is not in metres (unit: {unit})")
        if crs_seen is not None and crs != crs_seen:
            raise ValueError(
                f"{name} CRS {crs.to_string()} differs from {crs_seen.to_string()}; "
                "reproject all inputs to the same CRS"
            )
        crs_seen = crs


def _area_codes(areas: gpd.GeoDataFrame) -> pd.Index:
    codes = areas["code"] if "code" in areas.columns else areas.index
    return pd.Index(np.asarray(codes, dtype=object), name="code")


# --- coverage polygons ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Coverage:
    """Coverage polygons of a set of hotspots, plus what is needed to test circle overlaps."""

    geoms: np.ndarray
    x: np.ndarray
    y: np.ndarray
    radius: np.ndarray
    is_circle: np.ndarray


def circles(x: np.ndarray, y: np.ndarray, radius: np.ndarray, workers: int = 1) -> np.ndarray:
    """Regular 64-gon polygons inscribed in circles, built directly from the coordinates.

    Same vertices as `shapely.buffer(point, r, quad_segs=QUAD_SEGS)`, several times faster.
    """

    def build(xs: np.ndarray, ys: np.ndarray, rs: np.ndarray) -> np.ndarray:
        result = np.empty(len(xs), dtype=object)
        # Small batches keep the temporary coordinate arrays and rings to a few MB.
        for start in range(0, len(xs), _CIRCLE_BATCH):
            batch = slice(start, start + _CIRCLE_BATCH)
            x_b, y_b, r_b = xs[batch, None], ys[batch, None], rs[batch, None]
            coords = np.stack([x_b + r_b * _UNIT_X, y_b + r_b * _UNIT_Y], axis=-1)
            result[batch] = shapely.polygons(shapely.linearrings(coords))
        return result

    return _chunked(
        build,
        np.asarray(x, float),
        np.asarray(y, float),
        np.asarray(radius, float),
        workers=workers,
    )


def _coverage(hotspots: gpd.GeoDataFrame, workers: int) -> _Coverage:
    points = np.asarray(hotspots.geometry.array)
    radius = hotspots["radius_m"].to_numpy(dtype=float)
    if len(radius) and not (np.isfinite(radius) & (radius > 0)).all():
        raise ValueError("hotspots.radius_m must be a finite number > 0 for every hotspot")
    x, y = shapely.get_x(points), shapely.get_y(points)
    geoms = circles(x, y, radius, workers)
    if "coverage" in hotspots.columns:
        surveyed = np.asarray(hotspots["coverage"], dtype=object)
        has_survey = shapely.is_geometry(surveyed)
        has_survey[has_survey] = ~shapely.is_empty(surveyed[has_survey])
        if has_survey.any():
            geoms[has_survey] = shapely.make_valid(surveyed[has_survey])
        is_circle = ~has_survey
    else:
        is_circle = np.ones(len(geoms), dtype=bool)
    return _Coverage(geoms, x, y, radius, is_circle)


def coverage_geometries(
    hotspots: gpd.GeoDataFrame, *, workers: int = DEFAULT_WORKERS
) -> gpd.GeoSeries:
    """The coverage polygon of each hotspot: its surveyed polygon, else its circle."""
    check_metric_crs(hotspots=hotspots)
    cov = _coverage(hotspots, workers)
    return gpd.GeoSeries(cov.geoms, index=hotspots.index, crs=hotspots.crs)


def _touches_another(cov: _Coverage) -> np.ndarray:
    """Whether each coverage polygon intersects at least one other coverage polygon."""
    i, j = shapely.STRtree(cov.geoms).query(cov.geoms)
    keep = i < j
    i, j = i[keep], j[keep]
    both_circles = cov.is_circle[i] & cov.is_circle[j]
    meet = np.empty(len(i), dtype=bool)
    # Two inscribed polygons of circles can only meet if the centres are closer than r1 + r2.
    dist = np.hypot(cov.x[i] - cov.x[j], cov.y[i] - cov.y[j])
    meet[both_circles] = dist[both_circles] < (cov.radius[i] + cov.radius[j])[both_circles]
    other = ~both_circles
    meet[other] = shapely.intersects(cov.geoms[i[other]], cov.geoms[j[other]])
    touched = np.zeros(len(cov.geoms), dtype=bool)
    touched[i[meet]] = True
    touched[j[meet]] = True
    return touched


# --- threading helpers --------------------------------------------------------------------


def _chunked(func: Callable[..., np.ndarray], *arrays: np.ndarray, workers: int) -> np.ndarray:
    """Apply a vectorised function to aligned arrays in `workers` contiguous chunks."""
    n = len(arrays[0])
    if workers <= 1 or n < 2 * _MIN_CHUNK:
        return func(*arrays)
    with ThreadPoolExecutor(workers) as pool:
        parts = list(pool.map(lambda span: func(*(a[span] for a in arrays)), _spans(n, workers)))
    return np.concatenate(parts)


def _spans(n: int, workers: int) -> list[slice]:
    """`workers` contiguous slices covering range(n)."""
    bounds = np.linspace(0, n, workers + 1).astype(int).tolist()
    return [slice(start, end) for start, end in zip(bounds[:-1], bounds[1:], strict=True)]


def _query_pairs(
    tree: shapely.STRtree, geoms: np.ndarray, predicate: str | None, workers: int
) -> tuple[np.ndarray, np.ndarray]:
    """`tree.query(geoms, predicate)` split over threads: (input index, tree index) pairs."""
    if workers <= 1 or len(geoms) < 2 * _MIN_CHUNK:
        pairs = tree.query(geoms, predicate=predicate)
        return pairs[0], pairs[1]

    def query(span: slice) -> np.ndarray:
        pairs = tree.query(geoms[span], predicate=predicate)
        pairs[0] += span.start
        return pairs

    with ThreadPoolExecutor(workers) as pool:
        pairs = np.concatenate(list(pool.map(query, _spans(len(geoms), workers))), axis=1)
    return pairs[0], pairs[1]


# --- the core: covered part of each area -------------------------------------------------------


def _covered_parts(
    area_geoms: np.ndarray, cov: _Coverage, *, with_geometry: bool, workers: int
) -> tuple[np.ndarray, np.ndarray | None]:
    """Covered m² of each area and, if asked, the covered (Multi)Polygon of each area."""
    n_areas = len(area_geoms)
    covered_m2 = np.zeros(n_areas)
    geometry = np.array([shapely.MultiPolygon()] * n_areas, dtype=object) if with_geometry else None
    if n_areas == 0 or len(cov.geoms) == 0:
        return covered_m2, geometry

    shapely.prepare(area_geoms)
    tree = shapely.STRtree(cov.geoms)
    a_idx, c_idx = _query_pairs(tree, area_geoms, "intersects", workers)
    inside = _chunked(
        lambda a, c: shapely.contains_properly(area_geoms[a], cov.geoms[c]),
        a_idx,
        c_idx,
        workers=workers,
    )
    alone = ~_touches_another(cov)[c_idx]

    whole = alone & inside
    covered_m2 += np.bincount(a_idx[whole], shapely.area(cov.geoms[c_idx[whole]]), n_areas)

    cut = alone & ~inside
    cut_pieces = _chunked(
        lambda a, c: shapely.intersection(cov.geoms[c], area_geoms[a]),
        a_idx[cut],
        c_idx[cut],
        workers=workers,
    )
    covered_m2 += np.bincount(a_idx[cut], shapely.area(cut_pieces), n_areas)

    group_areas, union_pieces = _union_per_area(
        area_geoms, cov.geoms, a_idx[~alone], c_idx[~alone], inside[~alone], workers
    )
    covered_m2 += np.bincount(group_areas, shapely.area(union_pieces), n_areas)

    if with_geometry:
        pieces = np.concatenate([cov.geoms[c_idx[whole]], cut_pieces, union_pieces])
        owners = np.concatenate([a_idx[whole], a_idx[cut], group_areas])
        parts, part_of = shapely.get_parts(pieces, return_index=True)
        polygon = shapely.get_type_id(parts) == shapely.GeometryType.POLYGON
        parts, part_owner = parts[polygon], owners[part_of[polygon]]
        order = np.argsort(part_owner, kind="stable")
        shapely.multipolygons(parts[order], indices=part_owner[order], out=geometry)
    return covered_m2, geometry


def _group_bounds(sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct keys of a sorted array with the start and end offsets of each run."""
    keys, starts = np.unique(sorted_keys, return_index=True)
    ends = np.append(starts[1:], len(sorted_keys)).astype(starts.dtype) if len(keys) else starts
    return keys, starts, ends


def _union_per_area(
    area_geoms: np.ndarray,
    geoms: np.ndarray,
    a_idx: np.ndarray,
    c_idx: np.ndarray,
    inside: np.ndarray,
    workers: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Union each area's own overlapping polygons and clip the union to the area once."""
    order = np.argsort(a_idx, kind="stable")
    a_idx, c_idx, inside = a_idx[order], c_idx[order], inside[order]
    group_areas, starts, ends = _group_bounds(a_idx)

    def run(groups: range) -> list[shapely.Geometry]:
        pieces = []
        for g in groups:
            s, e = starts[g], ends[g]
            union = shapely.union_all(geoms[c_idx[s:e]])
            if not inside[s:e].all():
                union = shapely.intersection(union, area_geoms[group_areas[g]])
            pieces.append(union)
        return pieces

    n = len(group_areas)
    pieces = np.empty(n, dtype=object)
    if workers <= 1 or n < 2:
        pieces[:] = run(range(n))
    else:
        # Interleave the groups so that dense and sparse areas are spread over the threads.
        with ThreadPoolExecutor(workers) as pool:
            results = pool.map(run, [range(w, n, workers) for w in range(workers)])
            for w, result in enumerate(results):
                pieces[w::workers] = result
    return group_areas, pieces


# --- population -------------------------------------------------------------------------------


def _people_in(geoms: np.ndarray, units: gpd.GeoDataFrame) -> np.ndarray:
    """People in each geometry from a finer population layer (polygons or points).

    Polygon units spread their people evenly over their own area (pro rata of the overlap);
    a point unit counts whole in the first geometry that contains it (or touches it).
    """
    unit_geoms = np.asarray(units.geometry.array)
    people = np.nan_to_num(units["population"].to_numpy(dtype=float))
    result = np.zeros(len(geoms))
    if len(unit_geoms) == 0 or len(geoms) == 0:
        return result
    types = set(shapely.get_type_id(unit_geoms).tolist())
    if types <= {int(t) for t in _POLYGONAL}:
        g_idx, u_idx = shapely.STRtree(unit_geoms).query(geoms, predicate="intersects")
        share = shapely.area(shapely.intersection(geoms[g_idx], unit_geoms[u_idx]))
        unit_area = shapely.area(unit_geoms)
        result += np.bincount(g_idx, people[u_idx] * share / unit_area[u_idx], len(geoms))
    elif types == {int(shapely.GeometryType.POINT)}:
        u_idx, g_idx = shapely.STRtree(geoms).query(unit_geoms, predicate="intersects")
        first = _first_per(u_idx, g_idx)
        result += np.bincount(g_idx[first], people[u_idx[first]], len(geoms))
    else:
        raise ValueError("population_units must be all (Multi)Polygons or all Points")
    return result


# --- public functions -------------------------------------------------------------------------


def covered_geometry(
    areas: gpd.GeoDataFrame, hotspots: gpd.GeoDataFrame, *, workers: int = DEFAULT_WORKERS
) -> gpd.GeoSeries:
    """The covered part of each area as a MultiPolygon (empty if uncovered), indexed by code.

    Coverage spilling over a border counts in the area where it falls; overlaps count once.
    """
    check_metric_crs(areas=areas, hotspots=hotspots)
    area_geoms = np.asarray(areas.geometry.array)
    _, geometry = _covered_parts(
        area_geoms, _coverage(hotspots, workers), with_geometry=True, workers=workers
    )
    return gpd.GeoSeries(geometry, index=_area_codes(areas), crs=areas.crs)


def area_coverage(
    areas: gpd.GeoDataFrame,
    hotspots: gpd.GeoDataFrame,
    *,
    covered: gpd.GeoSeries | None = None,
    population_units: gpd.GeoDataFrame | None = None,
    workers: int = DEFAULT_WORKERS,
) -> pd.DataFrame:
    """Coverage figures for each leaf area, indexed by code.

    Columns: `area_m2`, `covered_m2` (union of coverages within the area), `covered_pct`
    (0-100), `population`, `covered_population`, `hotspot_count` (hotspot points in the area; a
    point on a shared border counts once, in the first area in input order).

    Population is spread evenly over each area (`population * covered_m2 / area_m2`; NaN stays
    NaN) unless `population_units` (polygons or points with a `population` column) is given:
    then both `population` and `covered_population` come from those units, polygons pro rata of
    their overlap. Pass `covered` (from `covered_geometry`) to reuse an already computed
    geometry instead of recomputing the coverage.
    """
    check_metric_crs(
        areas=areas, hotspots=hotspots, covered=covered, population_units=population_units
    )
    codes = _area_codes(areas)
    area_geoms = np.asarray(areas.geometry.array)
    area_m2 = shapely.area(area_geoms)
    covered_geoms = None
    if covered is not None:
        covered_geoms = np.asarray(covered.reindex(codes).array)
        covered_m2 = np.nan_to_num(shapely.area(covered_geoms))
    else:
        covered_m2, covered_geoms = _covered_parts(
            area_geoms,
            _coverage(hotspots, workers),
            with_geometry=population_units is not None,
            workers=workers,
        )

    if population_units is None:
        population = areas["population"].to_numpy(dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            covered_population = np.where(area_m2 > 0, population * covered_m2 / area_m2, 0.0)
        covered_population[np.isnan(population)] = np.nan
    else:
        population = _people_in(area_geoms, population_units)
        covered_population = _people_in(covered_geoms, population_units)

    with np.errstate(invalid="ignore", divide="ignore"):
        covered_pct = np.where(area_m2 > 0, 100.0 * covered_m2 / area_m2, 0.0)
    return pd.DataFrame(
        {
            "area_m2": area_m2,
            "covered_m2": covered_m2,
            "covered_pct": covered_pct,
            "population": population,
            "covered_population": covered_population,
            "hotspot_count": _points_per_area(area_geoms, hotspots),
        },
        index=codes,
    )


def _points_per_area(area_geoms: np.ndarray, points: gpd.GeoDataFrame) -> np.ndarray:
    p_idx, a_idx = shapely.STRtree(area_geoms).query(
        np.asarray(points.geometry.array), predicate="intersects"
    )
    return np.bincount(a_idx[_first_per(p_idx, a_idx)], minlength=len(area_geoms)).astype(int)


def _first_per(item_idx: np.ndarray, owner_idx: np.ndarray) -> np.ndarray:
    """Positions of the pairs that give each item its lowest-indexed owner."""
    order = np.lexsort((owner_idx, item_idx))
    _, first = np.unique(item_idx[order], return_index=True)
    return order[first]


def white_zones(
    areas: gpd.GeoDataFrame,
    covered: gpd.GeoSeries,
    *,
    min_area_m2: float = 10_000.0,
    population_units: gpd.GeoDataFrame | None = None,
    workers: int = DEFAULT_WORKERS,
) -> gpd.GeoDataFrame:
    """Uncovered parts of each area as single polygons of at least `min_area_m2`, largest first.

    `covered` is the output of `covered_geometry`. Columns: `code`, `area_m2`, `population`
    (the area's population pro rata of the zone's area, or from `population_units`), geometry.
    """
    check_metric_crs(areas=areas, covered=covered, population_units=population_units)
    codes = _area_codes(areas)
    area_geoms = np.asarray(areas.geometry.array)
    covered_geoms = np.asarray(covered.reindex(codes).array)
    covered_geoms[shapely.is_missing(covered_geoms)] = shapely.MultiPolygon()
    uncovered = _chunked(shapely.difference, area_geoms, covered_geoms, workers=workers)
    parts, owner = shapely.get_parts(uncovered, return_index=True)
    zone_m2 = shapely.area(parts)
    keep = (shapely.get_type_id(parts) == shapely.GeometryType.POLYGON) & (zone_m2 >= min_area_m2)
    parts, owner, zone_m2 = parts[keep], owner[keep], zone_m2[keep]
    if population_units is None:
        density = areas["population"].to_numpy(dtype=float) / shapely.area(area_geoms)
        population = density[owner] * zone_m2
    else:
        population = _people_in(parts, population_units)
    zones = gpd.GeoDataFrame(
        {"code": codes.to_numpy()[owner], "area_m2": zone_m2, "population": population},
        geometry=parts,
        crs=areas.crs,
    )
    return zones.sort_values("area_m2", ascending=False, kind="stable").reset_index(drop=True)


def facility_access(
    facilities: gpd.GeoDataFrame, hotspots: gpd.GeoDataFrame, *, workers: int = DEFAULT_WORKERS
) -> pd.DataFrame:
    """Nearest hotspot and coverage for each facility, in the facilities' order.

    Columns: `id`, `nearest_hotspot_id` (NA without hotspots), `nearest_hotspot_m` (straight
    distance between the points, metres), `in_coverage` (the facility point lies in, or on the
    edge of, some hotspot's coverage polygon).
    """
    check_metric_crs(facilities=facilities, hotspots=hotspots)
    points = np.asarray(facilities.geometry.array)
    hotspot_points = np.asarray(hotspots.geometry.array)
    nearest_id = pd.array([pd.NA] * len(points), dtype="Int64")
    nearest_m = np.full(len(points), np.nan)
    in_coverage = np.zeros(len(points), dtype=bool)
    if len(points) and len(hotspot_points):
        (f_idx, h_idx), dist = shapely.STRtree(hotspot_points).query_nearest(
            points, return_distance=True, all_matches=False
        )
        nearest_id[f_idx] = hotspots["id"].to_numpy()[h_idx]
        nearest_m[f_idx] = dist
        cov_geoms = _coverage(hotspots, workers).geoms
        f_in, _ = shapely.STRtree(cov_geoms).query(points, predicate="intersects")
        in_coverage[f_in] = True
    return pd.DataFrame(
        {
            "id": facilities["id"].to_numpy(),
            "nearest_hotspot_id": nearest_id,
            "nearest_hotspot_m": nearest_m,
            "in_coverage": in_coverage,
        },
        index=facilities.index,
    )
