"""What-if gains of candidate hotspot sites and the greedy choice of k sites.

Three 1 km squares in a row (populations 1000, 0 and 5000). Candidates: A at (500, 500) and B at
(600, 500), both r = 300 m, overlapping heavily; C at (2500, 500), r = 200 m.
"""

import itertools
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

from geo.coverage.analysis import QUAD_SEGS, coverage_geometries
from geo.coverage.whatif import (
    GAIN_COLUMNS,
    GREEDY_COLUMNS,
    candidate_gains,
    greedy_max_coverage,
)

CRS = "EPSG:32749"


def polygon_circle_area(radius: float) -> float:
    """Exact area of the 4 * QUAD_SEGS-gon inscribed in a circle of `radius`."""
    n = 4 * QUAD_SEGS
    return n / 2 * radius**2 * math.sin(2 * math.pi / n)


def row_of_squares(population) -> gpd.GeoDataFrame:
    """1 km squares side by side from (0, 0), with the given populations."""
    squares = [box(i * 1000, 0, (i + 1) * 1000, 1000) for i in range(len(population))]
    codes = [f"35.76.01.{1001 + i}" for i in range(len(squares))]
    return gpd.GeoDataFrame(
        {"population": population}, geometry=squares, index=pd.Index(codes, name="code"), crs=CRS
    )


def sites(ids, points, radii) -> gpd.GeoDataFrame:
    """Hotspots or candidates with ids, (x, y) points and radii in metres."""
    return gpd.GeoDataFrame(
        {"id": ids, "radius_m": radii}, geometry=[Point(p) for p in points], crs=CRS
    )


AREAS = row_of_squares([1000.0, 0.0, 5000.0])
CANDIDATES = sites(["A", "B", "C"], [(500, 500), (600, 500), (2500, 500)], [300.0, 300.0, 200.0])
NO_HOTSPOTS = sites([], [], [])


def test_gains_alone_against_no_coverage():
    result = candidate_gains(CANDIDATES, AREAS, NO_HOTSPOTS)

    assert list(result.columns) == GAIN_COLUMNS
    assert result["gain_m2"].tolist() == pytest.approx(
        [polygon_circle_area(300), polygon_circle_area(300), polygon_circle_area(200)]
    )
    assert result["gain_population"].tolist() == pytest.approx(
        [
            1000 * polygon_circle_area(300) / 1e6,
            1000 * polygon_circle_area(300) / 1e6,
            5000 * polygon_circle_area(200) / 1e6,
        ]
    )


def test_gains_exclude_existing_coverage_and_land_outside_the_areas():
    existing = sites([1], [(500, 500)], [300.0])
    # D straddles the southern edge of the first square: half of it lies outside every area.
    candidates = sites(["A", "D"], [(500, 500), (200, 0)], [300.0, 50.0])

    result = candidate_gains(candidates, AREAS, existing)

    assert result["gain_m2"].tolist() == pytest.approx([0.0, polygon_circle_area(50) / 2], abs=1e-6)


def test_greedy_by_area_finds_the_best_pair():
    result = greedy_max_coverage(CANDIDATES, 2, AREAS, NO_HOTSPOTS, objective="area")

    assert list(result.columns) == GREEDY_COLUMNS
    assert result["id"].tolist() == ["A", "C"]
    geoms = dict(zip(CANDIDATES["id"], coverage_geometries(CANDIDATES), strict=True))
    best_pair = max(
        itertools.combinations(geoms, 2),
        key=lambda pair: shapely.union_all([geoms[p] for p in pair]).area,
    )
    assert set(best_pair) == {"A", "C"}
    assert result["cumulative_m2"].iloc[-1] == pytest.approx(
        polygon_circle_area(300) + polygon_circle_area(200)
    )


def test_greedy_by_population_prefers_the_dense_square_and_marginal_gains():
    result = greedy_max_coverage(CANDIDATES, 3, AREAS, NO_HOTSPOTS)

    assert result["id"].tolist() == ["C", "A", "B"]
    assert result["step"].tolist() == [1, 2, 3]
    union_ab = shapely.union_all(np.asarray(coverage_geometries(CANDIDATES.iloc[:2]).array))
    assert result["gain_m2"].iloc[2] == pytest.approx(union_ab.area - polygon_circle_area(300))
    assert result["cumulative_population"].iloc[-1] == pytest.approx(
        5000 * polygon_circle_area(200) / 1e6 + 1000 * union_ab.area / 1e6
    )


def test_greedy_stops_when_nothing_more_is_gained():
    existing = sites([1], [(500, 500)], [300.0])
    candidates = sites(["A"], [(500, 500)], [300.0])

    result = greedy_max_coverage(candidates, 2, AREAS, existing, objective="area")

    assert result.empty


def test_greedy_rejects_an_unknown_objective():
    with pytest.raises(ValueError, match="objective must be 'population' or 'area', not 'people'"):
        greedy_max_coverage(CANDIDATES, 1, AREAS, NO_HOTSPOTS, objective="people")


def test_geographic_candidates_are_refused():
    candidates = CANDIDATES.set_crs("EPSG:4326", allow_override=True)

    with pytest.raises(ValueError, match="candidates is in a geographic CRS"):
        candidate_gains(candidates, AREAS, NO_HOTSPOTS)
