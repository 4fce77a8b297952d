"""What-if: the coverage a candidate hotspot site would add, and a greedy choice of k sites.

Gains count only inside the given areas and outside the existing coverage, in m² and people.
People are spread evenly over each area (NaN population counts as 0), or come from an optional
finer `population_units` layer, as in `analysis.area_coverage`.
"""

from __future__ import annotations

import heapq
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .analysis import _coverage, _group_bounds, _people_in, check_metric_crs

GAIN_COLUMNS = ["id", "gain_m2", "gain_population"]
GREEDY_COLUMNS = [
    "step",
    "id",
    "gain_m2",
    "gain_population",
    "cumulative_m2",
    "cumulative_population",
]


class _GainEvaluator:
    """Marginal gain of candidate polygons against a growing set of covered polygons."""

    def __init__(
        self,
        areas: gpd.GeoDataFrame,
        existing: np.ndarray,
        population_units: gpd.GeoDataFrame | None,
    ) -> None:
        self.area_geoms = np.asarray(areas.geometry.array)
        shapely.prepare(self.area_geoms)
        self.area_tree = shapely.STRtree(self.area_geoms)
        population = np.nan_to_num(areas["population"].to_numpy(dtype=float))
        self.density = population / shapely.area(self.area_geoms)
        self.units = population_units
        self.existing_tree = shapely.STRtree(existing)
        self.existing = existing
        self.added: list[shapely.Geometry] = []

    def gains(self, geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Gain in m² and people of each polygon taken alone."""
        g_idx, e_idx = self.existing_tree.query(geoms, predicate="intersects")
        new = geoms.copy()
        if self.added:
            added = np.asarray(self.added, dtype=object)
            ga, aa = shapely.STRtree(added).query(geoms, predicate="intersects")
            g_idx = np.concatenate([g_idx, ga])
            near = np.concatenate([self.existing[e_idx], added[aa]])
        else:
            near = self.existing[e_idx]
        order = np.argsort(g_idx, kind="stable")
        g_idx, near = g_idx[order], near[order]
        touched, starts, ends = _group_bounds(g_idx)
        for g, s, e in zip(touched, starts, ends, strict=True):
            new[g] = shapely.difference(geoms[g], shapely.union_all(near[s:e]))

        c_idx, a_idx = self.area_tree.query(new, predicate="intersects")
        pieces = shapely.intersection(new[c_idx], self.area_geoms[a_idx])
        piece_m2 = shapely.area(pieces)
        if self.units is None:
            piece_people = self.density[a_idx] * piece_m2
        else:
            piece_people = _people_in(pieces, self.units)
        return (
            np.bincount(c_idx, piece_m2, len(geoms)),
            np.bincount(c_idx, piece_people, len(geoms)),
        )

    def add(self, geom: shapely.Geometry) -> None:
        """Count `geom` as covered from now on."""
        self.added.append(geom)


def _prepare(
    candidates: gpd.GeoDataFrame,
    areas: gpd.GeoDataFrame,
    hotspots: gpd.GeoDataFrame,
    population_units: gpd.GeoDataFrame | None,
) -> tuple[np.ndarray, _GainEvaluator]:
    check_metric_crs(
        candidates=candidates, areas=areas, hotspots=hotspots, population_units=population_units
    )
    candidate_geoms = _coverage(candidates, workers=1).geoms
    existing = _coverage(hotspots, workers=1).geoms
    return candidate_geoms, _GainEvaluator(areas, existing, population_units)


def candidate_gains(
    candidates: gpd.GeoDataFrame,
    areas: gpd.GeoDataFrame,
    hotspots: gpd.GeoDataFrame,
    *,
    population_units: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """Gain of each candidate site (`id`, `radius_m`, Point) taken alone against the existing
    coverage of `hotspots`. Columns: `id`, `gain_m2`, `gain_population`; candidates' order."""
    geoms, evaluator = _prepare(candidates, areas, hotspots, population_units)
    gain_m2, gain_people = evaluator.gains(geoms)
    return pd.DataFrame(
        {"id": candidates["id"].to_numpy(), "gain_m2": gain_m2, "gain_population": gain_people},
        index=candidates.index,
    )


def greedy_max_coverage(
    candidates: gpd.GeoDataFrame,
    k: int,
    areas: gpd.GeoDataFrame,
    hotspots: gpd.GeoDataFrame,
    *,
    objective: Literal["population", "area"] = "population",
    population_units: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """Pick up to k candidate sites one by one, each time the one with the largest marginal gain.

    `objective` is "population" (people newly covered) or "area" (m² newly covered); ties go to
    the earlier candidate. Picking stops early when no candidate adds anything. Coverage gain is
    submodular, so the greedy order is within a factor 1 - 1/e of the best k-set, and gains are
    re-evaluated lazily (a candidate's gain can only shrink). Columns: `step` (1-based), `id`,
    `gain_m2`, `gain_population`, `cumulative_m2`, `cumulative_population`.
    """
    if objective not in ("population", "area"):
        raise ValueError(f"objective must be 'population' or 'area', not {objective!r}")
    if k < 0:
        raise ValueError(f"k must be >= 0, not {k}")
    geoms, evaluator = _prepare(candidates, areas, hotspots, population_units)
    ids = candidates["id"].to_numpy()
    gain_m2, gain_people = evaluator.gains(geoms)
    score = gain_people if objective == "population" else gain_m2
    # Heap of (-score, candidate position, step at which the score was computed).
    heap = [(-score[i], i, 0) for i in range(len(geoms))]
    heapq.heapify(heap)
    current = {i: (gain_m2[i], gain_people[i]) for i in range(len(geoms))}
    rows = []
    while heap and len(rows) < k:
        neg_score, i, step = heapq.heappop(heap)
        if step < len(rows):
            m2, people = (a[0] for a in evaluator.gains(geoms[i : i + 1]))
            current[i] = (m2, people)
            heapq.heappush(heap, (-(people if objective == "population" else m2), i, len(rows)))
            continue
        if -neg_score <= 0:
            break
        m2, people = current[i]
        evaluator.add(geoms[i])
        rows.append({"step": len(rows) + 1, "id": ids[i], "gain_m2": m2, "gain_population": people})
    result = pd.DataFrame(rows, columns=GREEDY_COLUMNS[:4])
    result["cumulative_m2"] = result["gain_m2"].cumsum()
    result["cumulative_population"] = result["gain_population"].cumsum()
    return result
