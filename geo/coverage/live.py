"""Live coverage: today's coverage, kept current in the transaction of every registry change.

The live run is a `CoverageRun` with `is_live` set, holding the same rows as a snapshot
(per-area figures at every level, white zones, facility access). A hotspot change
recomputes only the desa/kelurahan its old or new coverage touches, with the same pure
functions as a full run, then sums their parents in SQL. Changes that reach further (areas,
facilities, fiber: the fiber graph is city-wide) rebuild the whole live run. The map, the
kelurahan pages, the dashboard and `/api/coverage/` without a date read it.

The live run is dated: when it was made on an earlier day (a decommissioning or install
date may have passed since), the next change rebuilds it whole, and the daily
`refresh_live_coverage` command does the same.
"""

import contextlib
import contextvars
import json
from dataclasses import dataclass, field

import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from core.choices import AreaLevel
from geo.models import AreaCoverage, CoverageRun, FacilityAccess, WhiteZone

from . import analysis
from .services import (
    EMPTY_FACILITIES,
    CoverageError,
    _facility_table,
    _results_per_level,
    _store,
    compute_coverage,
    read_inputs,
)

LEAF = int(AreaLevel.DESA_KELURAHAN)


@dataclass
class _Batch:
    """Changes collected inside `batch()`: leaves to refresh, or a whole rebuild."""

    leaves: set[str] = field(default_factory=set)
    rebuild: bool = False


_batch: contextvars.ContextVar[_Batch | None] = contextvars.ContextVar("live_batch",
                                                                       default=None)


@contextlib.contextmanager
def batch():
    """Collect the live-coverage updates of many writes and apply them once at the end,
    inside the caller's transaction (the demo loader, scripts writing many records)."""
    if _batch.get() is not None:  # already inside a batch: the outer one applies
        yield
        return
    token = _batch.set(_Batch())
    try:
        yield
        pending = _batch.get()
    finally:
        _batch.reset(token)
    if pending.rebuild:
        rebuild()
    elif pending.leaves:
        refresh_leaves(pending.leaves)


def live_run() -> CoverageRun | None:
    """The live run, if the registry has been analysed at all."""
    return CoverageRun.objects.filter(is_live=True).first()


def rebuild() -> CoverageRun | None:
    """Replace the live run with a full analysis of today (none while no area is loaded)."""
    pending = _batch.get()
    if pending is not None:
        pending.rebuild = True
        return None
    try:
        return compute_coverage(live=True)
    except CoverageError:
        CoverageRun.objects.filter(is_live=True).delete()
        return None


#: Desa/kelurahan that the coverage of any of the hotspots `ids` may touch: their surveyed
#: polygon, else a circle of their radius. The circle is tested in degrees with a margin
#: (1° is over 100 km everywhere in Indonesia), so the set may hold a neighbour too many,
#: never one too few, and the GiST index on the areas answers it.
LEAVES_TOUCHED_SQL = f"""
SELECT DISTINCT a.code FROM inventory_hotspot h JOIN geo_adminarea a
  ON a.level = {LEAF} AND CASE WHEN h.coverage_area IS NOT NULL
                               THEN ST_Intersects(a.geom, h.coverage_area)
                               ELSE ST_DWithin(a.geom, h.geom, h.coverage_radius_m / 100000.0)
                          END
WHERE h.id = ANY(%s)
"""


def leaves_touched(hotspot_ids) -> set[str]:
    """Codes of the desa/kelurahan the current coverage of these hotspots may touch."""
    ids = list(hotspot_ids)
    if not ids:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(LEAVES_TOUCHED_SQL, [ids])
        return {code for (code,) in cursor.fetchall()}


def refresh_leaves(codes: set[str]) -> CoverageRun | None:
    """Recompute the live figures of these desa/kelurahan and of their parents.

    Runs in the caller's transaction; the live run's row is locked so that concurrent
    changes refresh one after the other. Without a live run of today, rebuilds it whole.
    """
    pending = _batch.get()
    if pending is not None:
        pending.leaves |= set(codes)
        return None
    with transaction.atomic():
        run = CoverageRun.objects.select_for_update().filter(is_live=True).first()
        if run is None or run.as_of != timezone.localdate():
            return rebuild()
        if not codes:
            return run
        inputs = read_inputs(run.as_of, None, leaf_codes=sorted(codes))
        if len(inputs.areas) != len(codes) or not _has_rows_for(run, inputs.areas["id"]):
            return rebuild()  # an area appeared or went: the parents change too
        covered = analysis.covered_geometry(inputs.areas, inputs.hotspots)
        leaf = analysis.area_coverage(inputs.areas, inputs.hotspots, covered=covered)
        zones = analysis.white_zones(inputs.areas, covered,
                                     min_area_m2=run.parameters["min_white_zone_m2"])
        access = analysis.facility_access(inputs.facilities, inputs.hotspots)
        network = _stored_fiber_flags(run, inputs.facilities)
        if network is None:
            return rebuild()  # a facility the live run does not know: its fiber reach
        facility_table = _facility_table(inputs.facilities, access, network)
        results = _results_per_level(inputs, leaf, facility_table)
        results = results[results["level"] == LEAF]
        area_ids = [int(i) for i in inputs.areas["id"]]
        _replace_leaf_rows(run, area_ids, results, covered, zones, facility_table)
        sum_parents(run)
        return run


def _has_rows_for(run: CoverageRun, area_ids) -> bool:
    ids = [int(i) for i in area_ids]
    return AreaCoverage.objects.filter(run=run, area_id__in=ids).count() == len(ids)


def _stored_fiber_flags(run: CoverageRun, facilities) -> pd.DataFrame | None:
    """The fiber reach of these facilities from the live run (None if one is missing)."""
    ids = [int(i) for i in facilities["id"]]
    rows = list(FacilityAccess.objects.filter(run=run, facility_id__in=ids).values(
        "facility_id", "connected", "reaches_data_centre", "redundant"))
    if len(rows) != len(ids):
        return None
    frame = pd.DataFrame(rows, columns=["facility_id", "connected", "reaches_data_centre",
                                        "redundant"]).rename(columns={"facility_id": "id"})
    frame["fiber_node_id"] = None
    return frame


def _replace_leaf_rows(run, area_ids, results, covered, zones, facility_table):
    """Swap the live rows of these leaves (figures, white zones, facility access), written
    as a full run writes them; `sum_parents` then renumbers the white zones."""
    AreaCoverage.objects.filter(run=run, area_id__in=area_ids).delete()
    WhiteZone.objects.filter(run=run, area_id__in=area_ids).delete()
    FacilityAccess.objects.filter(run=run, facility__area_id__in=area_ids).delete()
    _store(run, results, covered, zones, facility_table)


#: Parent rows of the live run from their desa/kelurahan, in SQL: sums of m², people and
#: counts, percentages and densities from the sums (as `_results_per_level` does for a full
#: run), facility counts summed per category and flag.
SUM_PARENTS_SQL = f"""
WITH leaf AS (
    SELECT c.*, a.code FROM geo_areacoverage c JOIN geo_adminarea a ON a.id = c.area_id
    WHERE c.run_id = %(run)s AND c.level = {LEAF}
), sums AS (
    SELECT p.area_id, sum(l.area_m2) AS area_m2, sum(l.covered_m2) AS covered_m2,
           sum(l.population) AS population, sum(l.covered_population) AS covered_population,
           sum(l.hotspots_total) AS hotspots_total, sum(l.hotspots_active) AS hotspots_active,
           sum(l.hotspots_down) AS hotspots_down,
           sum(l.hotspots_install_unknown) AS hotspots_install_unknown,
           count(*) AS leaf_count, sum(l.leaves_with_hotspot) AS leaves_with_hotspot,
           sum(l.fiber_route_m) AS fiber_route_m
    FROM geo_areacoverage p JOIN geo_adminarea pa ON pa.id = p.area_id
    JOIN leaf l ON l.code LIKE pa.code || '.%%'
    WHERE p.run_id = %(run)s AND p.level < {LEAF}
    GROUP BY p.area_id
), facility_counts AS (
    SELECT area_id, jsonb_object_agg(category, counts) AS facilities FROM (
        SELECT area_id, category, jsonb_object_agg(flag, n) AS counts FROM (
            SELECT p.area_id, f.category, v.flag, sum(v.n::int) AS n
            FROM geo_areacoverage p JOIN geo_adminarea pa ON pa.id = p.area_id
            JOIN leaf l ON l.code LIKE pa.code || '.%%'
            CROSS JOIN LATERAL jsonb_each(l.facilities) AS f(category, counts)
            CROSS JOIN LATERAL jsonb_each_text(f.counts) AS v(flag, n)
            WHERE p.run_id = %(run)s AND p.level < {LEAF}
            GROUP BY p.area_id, f.category, v.flag
        ) per_flag GROUP BY area_id, category
    ) per_category GROUP BY area_id
)
UPDATE geo_areacoverage p SET
    area_m2 = s.area_m2, covered_m2 = s.covered_m2,
    covered_pct = CASE WHEN s.area_m2 > 0 THEN 100 * s.covered_m2 / s.area_m2 ELSE 0 END,
    population = s.population, covered_population = s.covered_population,
    covered_population_pct = 100 * s.covered_population / NULLIF(s.population, 0),
    hotspots_total = s.hotspots_total, hotspots_active = s.hotspots_active,
    hotspots_down = s.hotspots_down, hotspots_install_unknown = s.hotspots_install_unknown,
    hotspots_per_km2 = s.hotspots_active / NULLIF(s.area_m2 / 1e6, 0),
    hotspots_per_10k = 1e4 * s.hotspots_active / NULLIF(s.population, 0),
    leaf_count = s.leaf_count, leaves_with_hotspot = s.leaves_with_hotspot,
    fiber_route_m = s.fiber_route_m,
    fiber_m_per_km2 = s.fiber_route_m / NULLIF(s.area_m2 / 1e6, 0),
    facilities = %(empty)s::jsonb || COALESCE(fc.facilities, '{{}}'::jsonb)
FROM sums s LEFT JOIN facility_counts fc ON fc.area_id = s.area_id
WHERE p.run_id = %(run)s AND p.area_id = s.area_id;
UPDATE geo_whitezone z SET rank = ranked.rank
FROM (SELECT id, row_number() OVER (ORDER BY area_m2 DESC, id) AS rank
      FROM geo_whitezone WHERE run_id = %(run)s) ranked
WHERE z.id = ranked.id AND z.rank IS DISTINCT FROM ranked.rank;
"""


def sum_parents(run: CoverageRun) -> None:
    """Recompute the live run's parent levels from its desa/kelurahan, and white-zone ranks."""
    with connection.cursor() as cursor:
        cursor.execute(SUM_PARENTS_SQL, {"run": run.pk, "empty": json.dumps(EMPTY_FACILITIES)})
    counts = AreaCoverage.objects.filter(run=run, level=LEAF).values_list(
        "hotspots_active", "hotspots_total", "hotspots_install_unknown")
    active = total = unknown = 0
    for a, t, u in counts:
        active, total, unknown = active + a, total + t, unknown + u
    run.input_counts.update(hotspots_active=active, hotspots_in_service=total,
                            hotspots_install_unknown=unknown)
    run.save(update_fields=["input_counts"])
