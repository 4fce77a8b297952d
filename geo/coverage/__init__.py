"""Coverage analysis: pure functions on GeoDataFrames (no ORM); see `analysis`, `fiber`, `whatif`.

The service layer loads areas and assets, reprojects them to the metric analysis CRS, calls these
functions and stores the results.
"""

from .analysis import (
    AREA_COLUMNS,
    QUAD_SEGS,
    aggregate_coverage,
    area_coverage,
    check_metric_crs,
    circles,
    coverage_geometries,
    covered_geometry,
    facility_access,
    white_zones,
)
from .fiber import BRIDGE_COLUMNS, FACILITY_COLUMNS, FiberAnalysis, fiber_analysis
from .whatif import GAIN_COLUMNS, GREEDY_COLUMNS, candidate_gains, greedy_max_coverage

__all__ = [
    "AREA_COLUMNS",
    "BRIDGE_COLUMNS",
    "FACILITY_COLUMNS",
    "GAIN_COLUMNS",
    "GREEDY_COLUMNS",
    "QUAD_SEGS",
    "FiberAnalysis",
    "aggregate_coverage",
    "area_coverage",
    "candidate_gains",
    "check_metric_crs",
    "circles",
    "coverage_geometries",
    "covered_geometry",
    "facility_access",
    "fiber_analysis",
    "greedy_max_coverage",
    "white_zones",
]
