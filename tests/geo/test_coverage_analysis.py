"""Coverage per area, aggregation, white zones and facility access, on hand-made geometries.

No database: the analysis functions take GeoDataFrames in EPSG:32749 (metres).
"""

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

from geo.coverage.analysis import (
    AREA_COLUMNS,
    QUAD_SEGS,
    area_coverage,
    coverage_geometries,
    covered_geometry,
    facility_access,
    white_zones,
)

CRS = "EPSG:32749"
KM = 1000.0


def polygon_circle_area(radius: float) -> float:
    """Exact area of the 4 * QUAD_SEGS-gon inscribed in a circle of `radius`."""
    n = 4 * QUAD_SEGS
    return n / 2 * radius**2 * math.sin(2 * math.pi / n)


def lens_area(radius: float, distance: float) -> float:
    """Area shared by two circles of equal `radius` with centres `distance` apart."""
    return 2 * radius**2 * math.acos(distance / (2 * radius)) - distance / 2 * math.sqrt(
        4 * radius**2 - distance**2
    )


def grid_areas(columns: int, rows: int = 1, size: float = KM, population=None) -> gpd.GeoDataFrame:
    """A grid of `size` squares from (0, 0), codes 35.76.01.1001... row by row."""
    squares = [
        box(c * size, r * size, (c + 1) * size, (r + 1) * size)
        for r in range(rows)
        for c in range(columns)
    ]
    codes = [f"35.76.01.{1001 + i}" for i in range(len(squares))]
    population = population if population is not None else [1000.0] * len(squares)
    return gpd.GeoDataFrame(
        {"population": population}, geometry=squares, index=pd.Index(codes, name="code"), crs=CRS
    )


def hotspots(points, radii, coverage=None) -> gpd.GeoDataFrame:
    """Hotspots at (x, y) points with radii in metres and optional surveyed polygons."""
    data = {"id": list(range(1, len(points) + 1)), "radius_m": radii}
    if coverage is not None:
        data["coverage"] = coverage
    return gpd.GeoDataFrame(data, geometry=[Point(p) for p in points], crs=CRS)


def test_one_circle_in_the_middle_of_a_square():
    result = area_coverage(grid_areas(1), hotspots([(500, 500)], [100.0]))

    row = result.loc["35.76.01.1001"]
    assert list(result.columns) == AREA_COLUMNS
    assert row["area_m2"] == pytest.approx(1e6)
    assert row["covered_m2"] == pytest.approx(polygon_circle_area(100), abs=1e-6)
    assert row["covered_m2"] == pytest.approx(math.pi * 100**2, rel=0.005)
    assert row["covered_pct"] == pytest.approx(100 * row["covered_m2"] / 1e6)
    assert row["hotspot_count"] == 1


def test_circle_polygons_match_shapely_buffer():
    geoms = coverage_geometries(hotspots([(500, 500), (10, 20)], [100.0, 37.5]))

    expected = shapely.buffer(shapely.points([(500, 500), (10, 20)]), [100.0, 37.5], quad_segs=16)
    assert shapely.equals_exact(np.asarray(geoms.array), expected, tolerance=1e-6).all()


def test_two_overlapping_circles_count_their_lens_once():
    result = area_coverage(grid_areas(1), hotspots([(450, 500), (550, 500)], [100.0, 100.0]))

    expected = 2 * math.pi * 100**2 - lens_area(100, 100)
    assert result["covered_m2"].iloc[0] == pytest.approx(expected, rel=0.005)


def test_circle_straddling_a_border_counts_half_on_each_side():
    result = area_coverage(grid_areas(2), hotspots([(1000, 500)], [100.0]))

    west, east = result["covered_m2"]
    assert west == pytest.approx(polygon_circle_area(100) / 2, abs=1e-6)
    assert east == pytest.approx(polygon_circle_area(100) / 2, abs=1e-6)
    assert west == pytest.approx(math.pi * 100**2 / 2, rel=0.005)
    # The point lies on the shared border: it is counted once, in the first area.
    assert result["hotspot_count"].tolist() == [1, 0]


def test_surveyed_polygon_replaces_the_circle():
    surveyed = box(100, 100, 300, 400)
    result = area_coverage(grid_areas(1), hotspots([(200, 200)], [100.0], coverage=[surveyed]))

    assert result["covered_m2"].iloc[0] == pytest.approx(60_000.0, abs=1e-6)


def test_missing_surveyed_polygon_keeps_the_circle():
    spots = hotspots([(200, 200), (700, 700)], [50.0, 50.0], coverage=[box(0, 0, 10, 10), None])

    result = area_coverage(grid_areas(1), spots)

    assert result["covered_m2"].iloc[0] == pytest.approx(100 + polygon_circle_area(50), abs=1e-6)


def test_population_is_spread_evenly_over_the_area():
    areas = grid_areas(2, population=[1000.0, np.nan])
    spots = hotspots([(0, 0), (1500, 500)], [1.0, 1.0], coverage=[box(0, 0, 500, 500), None])

    result = area_coverage(areas, spots)

    assert result["covered_pct"].iloc[0] == pytest.approx(25.0)
    assert result["covered_population"].iloc[0] == pytest.approx(250.0)
    assert np.isnan(result["population"].iloc[1])
    assert np.isnan(result["covered_population"].iloc[1])


def test_population_polygons_are_used_pro_rata_when_given():
    units = gpd.GeoDataFrame(
        {"population": [800.0, 200.0]},
        geometry=[box(0, 0, 500, 1000), box(500, 0, 1000, 1000)],
        crs=CRS,
    )
    # Covers half of the western unit (400 people) and none of the eastern one.
    spots = hotspots([(0, 0)], [1.0], coverage=[box(0, 0, 500, 500)])

    result = area_coverage(grid_areas(1), spots, population_units=units)

    assert result["population"].iloc[0] == pytest.approx(1000.0)
    assert result["covered_population"].iloc[0] == pytest.approx(400.0)


def test_population_points_count_whole_where_they_fall():
    units = gpd.GeoDataFrame(
        {"population": [10.0, 20.0, 40.0]},
        geometry=[Point(100, 100), Point(900, 900), Point(1500, 500)],
        crs=CRS,
    )
    spots = hotspots([(100, 100)], [50.0])

    result = area_coverage(grid_areas(2), spots, population_units=units)

    assert result["population"].tolist() == [30.0, 40.0]
    assert result["covered_population"].tolist() == [10.0, 0.0]


def test_covered_geometry_per_area():
    spots = hotspots([(1000, 500), (100, 100)], [100.0, 50.0])

    covered = covered_geometry(grid_areas(3), spots)

    assert covered.index.tolist() == ["35.76.01.1001", "35.76.01.1002", "35.76.01.1003"]
    assert covered.iloc[0].geom_type == "MultiPolygon"
    assert covered.iloc[0].area == pytest.approx(
        polygon_circle_area(100) / 2 + polygon_circle_area(50), abs=1e-6
    )
    assert covered.iloc[2].is_empty
    reused = area_coverage(grid_areas(3), spots, covered=covered)
    assert reused["covered_m2"].tolist() == pytest.approx(covered.area.tolist())


def test_random_case_matches_a_brute_force_union_with_one_or_two_threads():
    rng = np.random.default_rng(7)
    areas = grid_areas(5, 4)
    points = rng.uniform(-200, 5200, size=(3000, 2))
    spots = hotspots([tuple(p) for p in points], rng.uniform(30, 150, 3000).tolist())
    union = shapely.union_all(np.asarray(coverage_geometries(spots).array))
    expected = shapely.area(shapely.intersection(np.asarray(areas.geometry.array), union))

    for workers in (1, 2):
        result = area_coverage(areas, spots, workers=workers)
        assert result["covered_m2"].to_numpy() == pytest.approx(expected, rel=1e-9)
        assert result["hotspot_count"].sum() == np.sum(
            (points[:, 0] >= 0)
            & (points[:, 0] <= 5000)
            & (points[:, 1] >= 0)
            & (points[:, 1] <= 4000)
        )


def test_white_zone_around_a_central_circle():
    areas = grid_areas(1)
    covered = covered_geometry(areas, hotspots([(500, 500)], [100.0]))

    zones = white_zones(areas, covered, min_area_m2=1000)

    assert list(zones.columns) == ["code", "area_m2", "population", "geometry"]
    assert len(zones) == 1
    assert zones["code"].iloc[0] == "35.76.01.1001"
    assert zones["area_m2"].iloc[0] == pytest.approx(1e6 - polygon_circle_area(100), abs=1e-6)
    assert zones["population"].iloc[0] == pytest.approx(1000 * zones["area_m2"].iloc[0] / 1e6)


def test_white_zones_drop_small_slivers_and_sort_largest_first():
    areas = grid_areas(2)
    # The first square is covered except a 1000 m x 10 m strip; the second is not covered.
    covered = covered_geometry(
        areas, hotspots([(500, 500)], [1.0], coverage=[box(0, 10, 1000, 1000)])
    )

    kept = white_zones(areas, covered, min_area_m2=20_000)
    both = white_zones(areas, covered, min_area_m2=5_000)

    assert kept["code"].tolist() == ["35.76.01.1002"]
    assert kept["area_m2"].tolist() == pytest.approx([1e6])
    assert both["code"].tolist() == ["35.76.01.1002", "35.76.01.1001"]
    assert both["area_m2"].tolist() == pytest.approx([1e6, 10_000.0])
    assert both["population"].tolist() == pytest.approx([1000.0, 10.0])


def test_a_covered_stripe_splits_the_white_zone_in_two():
    areas = grid_areas(1)
    covered = covered_geometry(
        areas, hotspots([(500, 500)], [1.0], coverage=[box(450, 0, 550, 1000)])
    )

    zones = white_zones(areas, covered, min_area_m2=0)

    assert zones["area_m2"].tolist() == pytest.approx([450_000.0, 450_000.0])


def test_facility_nearest_hotspot_and_coverage():
    spots = hotspots([(0, 0), (1000, 0)], [600.0, 100.0])
    facilities = gpd.GeoDataFrame(
        {"id": [11, 12, 13]},
        geometry=[Point(300, 400), Point(1000, 2000), Point(1030, 40)],
        crs=CRS,
    )

    result = facility_access(facilities, spots)

    assert result["id"].tolist() == [11, 12, 13]
    assert result["nearest_hotspot_id"].tolist() == [1, 2, 2]
    assert result["nearest_hotspot_m"].tolist() == pytest.approx([500.0, 2000.0, 50.0])
    assert result["in_coverage"].tolist() == [True, False, True]


def test_facility_access_without_hotspots():
    facilities = gpd.GeoDataFrame({"id": [1]}, geometry=[Point(0, 0)], crs=CRS)

    result = facility_access(facilities, hotspots([], []))

    assert result["nearest_hotspot_id"].isna().all()
    assert np.isnan(result["nearest_hotspot_m"].iloc[0])
    assert not result["in_coverage"].iloc[0]


def test_geographic_crs_is_refused():
    areas = grid_areas(1).set_crs("EPSG:4326", allow_override=True)

    with pytest.raises(ValueError, match=r"areas is in a geographic CRS \(EPSG:4326\)"):
        area_coverage(areas, hotspots([(500, 500)], [100.0]))


def test_missing_or_different_crs_is_refused():
    spots = hotspots([(500, 500)], [100.0])

    with pytest.raises(ValueError, match="areas has no CRS"):
        area_coverage(grid_areas(1).set_crs(None, allow_override=True), spots)
    with pytest.raises(ValueError, match="hotspots CRS EPSG:32750 differs from EPSG:32749"):
        area_coverage(grid_areas(1), spots.set_crs("EPSG:32750", allow_override=True))


def test_radius_must_be_positive():
    with pytest.raises(ValueError, match="radius_m must be a finite number > 0"):
        area_coverage(grid_areas(1), hotspots([(500, 500)], [0.0]))
