"""Coverage analysis: pure functions on GeoDataFrames (no ORM); see `analysis`, `fiber`, `whatif`.

The service layer loads areas and assets, reprojects them to the metric analysis CRS, calls these
functions and stores the results.
"""

from importlib import import_module

# Public names and the module that defines them. They are imported on first use (PEP 562):
# the models of this package are loaded at every start-up, geopandas and networkx are not
# needed by most processes (a server worker, an import command).
_MODULES = {
    "analysis": ("AREA_COLUMNS", "QUAD_SEGS", "aggregate_coverage", "area_coverage",
                 "check_metric_crs", "circles", "coverage_geometries", "covered_geometry",
                 "facility_access", "white_zones"),
    "fiber": ("BRIDGE_COLUMNS", "FACILITY_COLUMNS", "FiberAnalysis", "fiber_analysis"),
    "whatif": ("GAIN_COLUMNS", "GREEDY_COLUMNS", "candidate_gains", "greedy_max_coverage"),
}
_HOME = {name: module for module, names in _MODULES.items() for name in names}


def __getattr__(name):
    """Import the module that defines `name` the first time it is asked for."""
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_HOME[name]}", __name__), name)


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
