"""Coverage runs: read the registry as of a date, run the pure analysis, store the results.

One SQL read per layer (geometry already transformed to the analysis CRS by PostGIS), then
the functions of `analysis.py` and `fiber.py`, then one bulk write per result table.
"""

import copy
import datetime
import functools
import hashlib
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import AreaLevel
from core.codes import parent_of
from geo.models import AdminArea
from inventory.choices import Connectivity, FiberStatus, HotspotStatus
from inventory.io.copy import copy_create
from inventory.querysets import (
    in_service_sql,
    install_date_unknown_sql,
    status_on_sql,
    working_sql,
)

from ..models import AreaCoverage, CoverageRun, FacilityAccess, WhiteZone
from . import analysis, fiber, whatif

# Uncovered polygons smaller than this are slivers, not white zones.
DEFAULT_MIN_WHITE_ZONE_M2 = 5_000.0


class CoverageError(Exception):
    """A coverage run that cannot be made (e.g. no areas loaded in the scope)."""


@dataclass
class Inputs:
    """Everything a run reads, as GeoDataFrames in the analysis CRS."""

    areas: gpd.GeoDataFrame  # leaves: code (index), id, population, geometry
    hotspots: gpd.GeoDataFrame  # active free hotspots: id, radius_m, coverage, area_code
    hotspot_counts: pd.DataFrame  # per leaf code: total, active, down
    facilities: gpd.GeoDataFrame  # id, facility_type, is_government_office, connectivity, …
    nodes: pd.DataFrame
    links: pd.DataFrame
    fiber_route_m: pd.Series  # per leaf code: in-service route length inside the area


def compute_coverage(
    as_of: datetime.date | None = None,
    *,
    area_code: str | None = None,
    min_white_zone_m2: float = DEFAULT_MIN_WHITE_ZONE_M2,
    known_at: datetime.datetime | None = None,
    live: bool = False,
) -> CoverageRun:
    """Analyse coverage as of a date (default today) for all areas or one area's subtree.

    `as_of` is the date in the world: assets installed by then and not yet decommissioned.
    `known_at`, if given, reconstructs the registry as it was recorded at that moment from
    the change history (records deleted later still count, edits made later do not).
    Stores and returns a CoverageRun with per-area results at every level present, white
    zones and per-facility access. `live` replaces the live run (today, all areas) instead
    of adding a snapshot. A date after today is refused: the registry holds no future.
    """
    started = time.monotonic()
    today = timezone.localdate()
    as_of = as_of or today
    if as_of > today:
        raise CoverageError(_("Tanggal %(date)s setelah hari ini: cakupan hanya dapat dihitung "
                              "sampai hari ini.") % {"date": as_of.isoformat()})
    if live and (as_of != today or area_code or known_at):
        raise ValueError("The live run covers today, all areas, as recorded now.")
    scope = None
    if area_code:
        scope = AdminArea.objects.filter(code=area_code).first()
        if scope is None:
            raise CoverageError(f"No area with code {area_code!r} is loaded.")
    inputs = read_inputs(as_of, scope, known_at)
    if inputs.areas.empty:
        raise CoverageError("No desa/kelurahan is loaded in this scope: run load_areas first.")

    covered = analysis.covered_geometry(inputs.areas, inputs.hotspots)
    leaf = analysis.area_coverage(inputs.areas, inputs.hotspots, covered=covered)
    zones = analysis.white_zones(inputs.areas, covered, min_area_m2=min_white_zone_m2)
    access = analysis.facility_access(inputs.facilities, inputs.hotspots)
    network = fiber.fiber_analysis(inputs.nodes, inputs.links, inputs.facilities)

    facility_table = _facility_table(inputs.facilities, access, network.facilities)
    results = _results_per_level(inputs, leaf, facility_table)
    if scope is not None:  # ancestors of the scope would only hold the scope's part
        results = results[[c == scope.code or c.startswith(f"{scope.code}.")
                           for c in results.index]]
    parameters = {
        "analysis_srid": settings.SIMPUL_ANALYSIS_SRID,
        "circle_quad_segs": analysis.QUAD_SEGS,
        "min_white_zone_m2": min_white_zone_m2,
        "default_radius_m": settings.SIMPUL_HOTSPOT_RADIUS_M,
        "hotspots": "working on as_of (inventory.querysets.working_sql): free, installed "
                    "by as_of (an unknown install date counts only for today), not "
                    "decommissioned, status in effect on as_of active; surveyed polygon "
                    "else circle",
        "population": "spread evenly over each desa/kelurahan",
        "aggregation": "parent levels sum their desa/kelurahan (m², people, counts)",
        "known_at": known_at.isoformat() if known_at else None,
    }
    with transaction.atomic():
        if live:
            CoverageRun.objects.filter(is_live=True).delete()
        run = CoverageRun.objects.create(
            as_of=as_of,
            is_live=live,
            scope=scope,
            parameters=parameters,
            input_counts={
                "areas": len(inputs.areas),
                "hotspots_active": len(inputs.hotspots),
                "hotspots_in_service": int(inputs.hotspot_counts["total"].sum()),
                "hotspots_install_unknown": int(inputs.hotspot_counts["install_unknown"].sum()),
                "facilities": len(inputs.facilities),
                "fiber_nodes": len(inputs.nodes),
                "fiber_links": len(inputs.links),
            },
            data_hash="" if live else _data_hash(inputs, as_of),
            code_version=code_version(),
            duration_s=0,
            fiber={
                "total_route_m": network.total_route_m,
                "bridges": [
                    {key: (float(value) if key == "length_m" else int(value))
                     for key, value in bridge.items()}
                    for bridge in network.bridges.to_dict("records")
                ],
            },
        )
        _store(run, results, covered, zones, facility_table)
        run.duration_s = time.monotonic() - started
        run.save(update_fields=["duration_s"])
    return run


def _source(table: str, known_at: datetime.datetime | None) -> tuple[str, list]:
    """A `WITH src AS (…)` clause: the table now, or its rows as recorded at `known_at`."""
    if known_at is None:
        return f"WITH src AS (SELECT * FROM {table})", []
    history = table.replace("inventory_", "inventory_historical", 1)
    return (
        f"""WITH src AS (
                SELECT * FROM (
                    SELECT DISTINCT ON (id) * FROM {history} WHERE history_date <= %s
                    ORDER BY id, history_date DESC, history_id DESC
                ) latest WHERE history_type <> '-')""",
        [known_at],
    )


def read_inputs(
    as_of: datetime.date, scope: AdminArea | None, known_at: datetime.datetime | None = None,
    *, leaf_codes: list[str] | None = None,
) -> Inputs:
    """Read areas and in-service assets as of the date, transformed to the analysis CRS.

    `scope` limits the read to one area's subtree, `leaf_codes` to those desa/kelurahan
    (live coverage refreshes only the leaves an edit touched). Hotspots near the leaves read
    may cover them, so every working one within the largest radius is read too.
    """
    srid = settings.SIMPUL_ANALYSIS_SRID
    hotspot_src, hotspot_src_params = _source("inventory_hotspot", known_at)
    facility_src, facility_src_params = _source("inventory_facility", known_at)
    node_src, node_src_params = _source("inventory_fibernode", known_at)
    link_src, link_src_params = _source("inventory_fiberlink", known_at)
    scope_sql, scope_params = "", []
    if scope is not None:
        scope_sql = "AND (a.code = %s OR a.code LIKE %s)"
        scope_params = [scope.code, f"{scope.code}.%"]
    if leaf_codes is not None:
        scope_sql += " AND a.code = ANY(%s)"
        scope_params.append(list(leaf_codes))
    in_service, in_service_params = in_service_sql("x", as_of)
    working, working_params = working_sql("x", as_of, known_at)
    status_on, status_params = status_on_sql("x", known_at)
    unknown, unknown_params = install_date_unknown_sql("x", as_of)
    areas = _frame(
        f"""SELECT a.code, a.id, a.population::float AS population,
                   ST_AsBinary(ST_Transform(a.geom, {srid})) AS geometry
            FROM geo_adminarea a WHERE a.level = {int(AreaLevel.DESA_KELURAHAN)} {scope_sql}
            ORDER BY a.code""",
        scope_params,
    ).set_index("code")
    hotspot_scope, hotspot_params = "", []
    if scope is not None or leaf_codes is not None:
        hotspot_scope = f"""AND ST_DWithin(ST_Transform(x.geom, {srid}), (
                                SELECT ST_Transform(ST_Collect(a.geom), {srid})
                                FROM geo_adminarea a
                                WHERE a.level = {int(AreaLevel.DESA_KELURAHAN)} {scope_sql}),
                                (SELECT coalesce(max(coverage_radius_m), 0) FROM src) + 1)"""
        hotspot_params = scope_params
    hotspots = _frame(
        f"""{hotspot_src}
            SELECT x.id, x.coverage_radius_m::float AS radius_m,
                   ST_AsBinary(ST_Transform(x.coverage_area, {srid})) AS coverage,
                   ST_AsBinary(ST_Transform(x.geom, {srid})) AS geometry
            FROM src x
            WHERE {working} {hotspot_scope}
            ORDER BY x.id""",
        [*hotspot_src_params, *working_params, *hotspot_params],
        extra_geometry="coverage",
    )
    counts = pd.DataFrame(
        _rows(
            f"""{hotspot_src}
                SELECT a.code,
                       count(*) FILTER (WHERE {in_service} AND {status_on} <> %s),
                       count(*) FILTER (WHERE {working}),
                       count(*) FILTER (WHERE {in_service} AND {status_on} IN (%s, %s)),
                       count(*) FILTER (WHERE x.is_free AND {unknown})
                FROM src x JOIN geo_adminarea a ON a.id = x.area_id
                WHERE true {scope_sql} GROUP BY a.code""",
            [*hotspot_src_params,
             *in_service_params, as_of, *status_params, HotspotStatus.PLANNED,
             *working_params,
             *in_service_params, as_of, *status_params, HotspotStatus.DOWN,
             HotspotStatus.MAINTENANCE,
             *unknown_params, *scope_params],
        ),
        columns=["code", "total", "active", "down", "install_unknown"],
    ).set_index("code").reindex(areas.index, fill_value=0)
    facilities = _frame(
        f"""{facility_src}
            SELECT x.id, x.facility_type, x.is_government_office, x.connectivity,
                   x.fiber_node_id,
                   a.code AS area_code, ST_AsBinary(ST_Transform(x.geom, {srid})) AS geometry
            FROM src x JOIN geo_adminarea a ON a.id = x.area_id
            WHERE {in_service} {scope_sql} ORDER BY x.id""",
        [*facility_src_params, *in_service_params, *scope_params],
    )
    facilities["fiber_node_id"] = facilities["fiber_node_id"].astype("Int64")
    nodes = pd.DataFrame(
        _rows(
            f"""{node_src} SELECT x.id, x.node_type FROM src x
                WHERE x.status = %s AND {in_service} ORDER BY x.id""",
            [*node_src_params, FiberStatus.OPERATIONAL, *in_service_params],
        ),
        columns=["id", "node_type"],
    )
    links = pd.DataFrame(
        _rows(
            f"""{link_src} SELECT x.id, x.start_node_id, x.end_node_id, x.length_m
                FROM src x WHERE x.status = %s AND {in_service} ORDER BY x.id""",
            [*link_src_params, FiberStatus.OPERATIONAL, *in_service_params],
        ),
        columns=["id", "start_node_id", "end_node_id", "length_m"],
    )
    route = pd.DataFrame(
        _rows(
            f"""{link_src}
                SELECT a.code,
                       sum(ST_Length(ST_Transform(ST_Intersection(x.route, a.geom), {srid})))
                FROM src x JOIN geo_adminarea a
                  ON a.level = {int(AreaLevel.DESA_KELURAHAN)} AND ST_Intersects(x.route, a.geom)
                WHERE x.status = %s AND {in_service} {scope_sql} GROUP BY a.code""",
            [*link_src_params, FiberStatus.OPERATIONAL, *in_service_params, *scope_params],
        ),
        columns=["code", "route_m"],
    ).set_index("code")["route_m"].reindex(areas.index, fill_value=0.0)
    return Inputs(areas, hotspots, counts, facilities, nodes, links, route)


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _frame(sql: str, params: list, extra_geometry: str | None = None) -> gpd.GeoDataFrame:
    """Run a query whose `geometry` (and optional extra) column is WKB, as a GeoDataFrame."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [c.name for c in cursor.description]
        frame = pd.DataFrame(cursor.fetchall(), columns=columns)
    frame["geometry"] = shapely.from_wkb([bytes(g) if g is not None else None
                                          for g in frame["geometry"]])
    if extra_geometry:
        frame[extra_geometry] = shapely.from_wkb(
            [bytes(g) if g is not None else None for g in frame[extra_geometry]]
        )
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=settings.SIMPUL_ANALYSIS_SRID)


def _facility_table(facilities, access, network) -> pd.DataFrame:
    """One row per facility: its type, area, wifi access, fiber reach and any connectivity.

    `any_connectivity`: the recorded connectivity is fiber, wireless or cellular, or the
    facility is connected to the fiber graph.
    """
    table = facilities[["id", "facility_type", "is_government_office", "area_code",
                        "connectivity"]].copy()
    if table.empty:
        columns = ["nearest_hotspot_id", "nearest_hotspot_m", "in_coverage", "connected",
                   "reaches_data_centre", "redundant", "any_connectivity"]
        return table.reindex(columns=[*table.columns, *columns])
    table = table.merge(access, on="id").merge(network.drop(columns=["fiber_node_id"]), on="id")
    table["any_connectivity"] = table["connectivity"].isin(CONNECTED_KINDS) | table[
        "connected"].fillna(False).astype(bool)
    return table


def _results_per_level(inputs: Inputs, leaf: pd.DataFrame, facility_table: pd.DataFrame):
    """Per-area figures for the leaves and every ancestor level present, as one DataFrame."""
    leaf = leaf.copy()
    counts = inputs.hotspot_counts
    leaf["hotspots_total"] = counts["total"]
    leaf["hotspots_active"] = counts["active"]
    leaf["hotspots_down"] = counts["down"]
    leaf["hotspots_install_unknown"] = counts["install_unknown"]
    leaf["leaf_count"] = 1
    leaf["leaves_with_hotspot"] = (counts["active"] > 0).astype(int)
    leaf["fiber_route_m"] = inputs.fiber_route_m
    leaf["level"] = int(AreaLevel.DESA_KELURAHAN)
    sums = ["area_m2", "covered_m2", "population", "covered_population", "hotspots_total",
            "hotspots_active", "hotspots_down", "hotspots_install_unknown", "leaf_count",
            "leaves_with_hotspot", "fiber_route_m"]
    frames = [leaf]
    counts = _facility_counts(facility_table)
    facility_frames = [counts]
    current = leaf
    while True:
        parents = np.asarray(current.index.map(parent_of))
        if pd.isna(parents).all():
            break
        parent = current[sums].groupby(parents).sum(min_count=1)
        parent[["area_m2", "covered_m2", "fiber_route_m"]] = parent[
            ["area_m2", "covered_m2", "fiber_route_m"]].fillna(0)
        parent["level"] = current["level"].iloc[0] - 1
        frames.append(parent)
        counts = counts.rename(index=parent_of, level="code").groupby(level=[0, 1]).sum()
        facility_frames.append(counts)
        current = parent
    results = pd.concat(frames)
    with np.errstate(invalid="ignore", divide="ignore"):
        results["covered_pct"] = np.where(
            results["area_m2"] > 0, 100 * results["covered_m2"] / results["area_m2"], 0.0)
        results["covered_population_pct"] = 100 * results["covered_population"] / results[
            "population"]
        results["hotspots_per_km2"] = results["hotspots_active"] / (results["area_m2"] / 1e6)
        results["hotspots_per_10k"] = 1e4 * results["hotspots_active"] / results["population"]
        results["fiber_m_per_km2"] = results["fiber_route_m"] / (results["area_m2"] / 1e6)
    by_code: dict[str, dict] = {}
    for (code, category), row in pd.concat(facility_frames).iterrows():
        by_code.setdefault(code, {})[category] = {k: int(v) for k, v in row.items()}
    results["facilities"] = [
        {**copy.deepcopy(EMPTY_FACILITIES), **by_code.get(code, {})}
        for code in results.index
    ]
    return results


FACILITY_FLAGS = ["in_coverage", "connected", "reaches_data_centre", "redundant",
                  "any_connectivity"]
#: The facility counts of an area without facilities.
EMPTY_FACILITIES = {category: dict.fromkeys(["total", *FACILITY_FLAGS], 0)
                    for category in ("all", "government_offices")}
CONNECTED_KINDS = [Connectivity.FIBER, Connectivity.WIRELESS, Connectivity.CELLULAR]


def _facility_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Facility counts per (leaf code, category): each type, `all`, `government_offices`."""
    base = table[["area_code", "facility_type", "is_government_office", *FACILITY_FLAGS]].copy()
    base[FACILITY_FLAGS] = base[FACILITY_FLAGS].fillna(False).astype(bool).astype(int)
    base["total"] = 1
    government = base["is_government_office"].fillna(False).astype(bool)
    long = pd.concat([
        base.assign(category=base["facility_type"]),
        base.assign(category="all"),
        base[government].assign(category="government_offices"),
    ]).rename(columns={"area_code": "code"})
    return long.groupby(["code", "category"])[["total", *FACILITY_FLAGS]].sum()


def _store(run, results, covered, zones, facility_table):
    """Write per-area results, white zones and facility access of a run with COPY.

    Covered geometry is stored for desa/kelurahan only (`covered` holds nothing else).
    """
    ids = dict(AdminArea.objects.filter(code__in=list(results.index))
               .values_list("code", "id"))
    covered_wgs = gpd.GeoSeries(covered, crs=settings.SIMPUL_ANALYSIS_SRID).to_crs(4326)
    frame = results.reset_index(names="code")
    copy_create(AreaCoverage, [
        {"run_id": run.pk, "area_id": ids[row["code"]], "level": int(row["level"]),
         **{name: _float(row[name]) for name in FLOAT_COLUMNS},
         **{name: int(row[name]) for name in COUNT_COLUMNS},
         "facilities": row["facilities"],
         "covered_geom": _multipolygon(covered_wgs.get(row["code"]))}
        for row in frame.to_dict("records")
    ])
    zones_wgs = zones.to_crs(4326)
    copy_create(WhiteZone, [
        {"run_id": run.pk, "area_id": ids[z.code], "rank": rank, "area_m2": float(z.area_m2),
         "population": _float(z.population), "geom": z.geometry}
        for rank, z in enumerate(zones_wgs.itertuples(), start=1)
    ])
    copy_create(FacilityAccess, [
        {"run_id": run.pk, "facility_id": int(f.id),
         "nearest_hotspot_id": None if pd.isna(f.nearest_hotspot_id)
         else int(f.nearest_hotspot_id),
         "nearest_hotspot_m": _float(f.nearest_hotspot_m), "in_coverage": bool(f.in_coverage),
         "connected": bool(f.connected), "reaches_data_centre": bool(f.reaches_data_centre),
         "redundant": bool(f.redundant)}
        for f in facility_table.itertuples()
    ])


FLOAT_COLUMNS = ["area_m2", "covered_m2", "covered_pct", "population", "covered_population",
                 "covered_population_pct", "hotspots_per_km2", "hotspots_per_10k",
                 "fiber_route_m", "fiber_m_per_km2"]
COUNT_COLUMNS = ["hotspots_total", "hotspots_active", "hotspots_down",
                 "hotspots_install_unknown", "leaf_count", "leaves_with_hotspot"]


def _float(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _multipolygon(geom):
    """A covered part as a MultiPolygon for storage, or None when there is none."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type == "Polygon":
        return shapely.MultiPolygon([geom])
    if geom.geom_type == "GeometryCollection":
        return shapely.MultiPolygon(
            [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon"])
    return geom


def _data_hash(inputs: Inputs, as_of: datetime.date) -> str:
    """SHA-256 of every input a run reads: the same data gives the same hash."""
    digest = hashlib.sha256(as_of.isoformat().encode())
    for frame in (inputs.areas.reset_index(), inputs.hotspots, inputs.facilities):
        geoms = shapely.to_wkb(np.asarray(frame.geometry.array), output_dimension=2)
        digest.update(pd.util.hash_pandas_object(
            frame.drop(columns=[c for c in frame.columns if frame[c].dtype == "geometry"]),
            index=False).to_numpy().tobytes())
        for wkb in geoms:
            digest.update(wkb)
    for frame in (inputs.nodes, inputs.links, inputs.hotspot_counts.reset_index()):
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


@functools.cache
def code_version() -> str:
    """The git commit of the running code, or 'unknown' outside a checkout."""
    root = Path(settings.BASE_DIR)
    try:
        result = subprocess.run(["git", "-C", str(root), "describe", "--always", "--dirty"],
                                capture_output=True, text=True, timeout=5, check=True)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return result.stdout.strip()


def what_if(candidates: gpd.GeoDataFrame, *, as_of: datetime.date | None = None,
            pick: int | None = None, objective: str = "population") -> pd.DataFrame:
    """Gain of candidate hotspot sites (EPSG:4326 points with `id` and `radius_m`).

    Without `pick`, each candidate's gain alone; with `pick`, the greedy best `pick` sites.
    """
    as_of = as_of or timezone.localdate()
    inputs = read_inputs(as_of, None)
    metric = candidates.to_crs(settings.SIMPUL_ANALYSIS_SRID)
    if pick is None:
        return whatif.candidate_gains(metric, inputs.areas, inputs.hotspots)
    return whatif.greedy_max_coverage(metric, pick, inputs.areas, inputs.hotspots,
                                      objective=objective)


def latest_run(as_of: datetime.date | None = None) -> CoverageRun | None:
    """The snapshot run covering all areas that readers of "the latest run" use: for a date,
    the newest made for it; else the one with the latest `as_of` not after today, the newest
    made among those. The live run is not a snapshot (see `geo.coverage.live`)."""
    runs = CoverageRun.objects.filter(scope__isnull=True, is_live=False)
    if as_of is not None:
        return runs.filter(as_of=as_of).order_by("-created", "-pk").first()
    return (runs.filter(as_of__lte=timezone.localdate())
            .order_by("-as_of", "-created", "-pk").first())
