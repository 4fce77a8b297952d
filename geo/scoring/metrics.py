"""Metrics a methodology or a claim can read from one area's coverage figures.

Each metric is computed from the counts stored with every `AreaCoverage` row (m², people,
hotspots, desa/kelurahan, facilities per category and flag, fiber metres). Parent levels
store sums of their desa/kelurahan, so a metric at kecamatan or city level is recomputed
from summed counts, never averaged. Pure functions: a mapping in, a `Measurement` out.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import get_language

from geo.coverage.services import FACILITY_FLAGS
from inventory.choices import FacilityType

# Aggregated facility categories stored beside the facility types.
AGGREGATE_CATEGORIES = ("all", "government_offices")
FACILITY_CATEGORIES = (*AGGREGATE_CATEGORIES, *FacilityType.values)


class MetricError(ValueError):
    """Bad parameters for a metric."""


@dataclass(frozen=True)
class Measurement:
    """A measured value with the numerator and denominator it was computed from."""

    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    inputs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Metric:
    """A named computation on coverage figures."""

    id: str
    name_id: str
    name_en: str
    unit: str
    compute: Callable[[Mapping, Mapping], Measurement]
    params: tuple[str, ...] = ()

    def measure(self, row: Mapping, params: Mapping | None = None) -> Measurement:
        """The metric's value for one area's figures."""
        return self.compute(row, params or {})


def _ratio(numerator, denominator, scale: float, inputs: dict) -> Measurement:
    if numerator is None or not denominator:
        return Measurement(None, numerator, denominator, inputs)
    return Measurement(scale * numerator / denominator, numerator, denominator, inputs)


def _fraction(num_field: str, den_field: str, scale: float):
    def compute(row, params):
        inputs = {num_field: row.get(num_field), den_field: row.get(den_field)}
        return _ratio(row.get(num_field), row.get(den_field), scale, inputs)
    return compute


def _count(field_name: str):
    def compute(row, params):
        value = row.get(field_name)
        return Measurement(None if value is None else float(value), inputs={field_name: value})
    return compute


def _working(row, params):
    active, down = row.get("hotspots_active"), row.get("hotspots_down")
    inputs = {"hotspots_active": active, "hotspots_down": down}
    return _ratio(active, (active or 0) + (down or 0), 100.0, inputs)


def _down(row, params):
    active, down = row.get("hotspots_active"), row.get("hotspots_down")
    inputs = {"hotspots_active": active, "hotspots_down": down}
    return _ratio(down, (active or 0) + (down or 0), 100.0, inputs)


def _facility_sums(row, params) -> tuple[int | None, int, dict]:
    """(facilities with the flag, facilities, inputs) over the chosen categories."""
    flag = params["flag"]
    facilities = row.get("facilities") or {}
    flagged, total, missing = 0, 0, False
    for category in params["categories"]:
        counts = facilities.get(category, {})
        total += counts.get("total", 0)
        if counts.get("total", 0) and flag not in counts:
            missing = True  # a run made before this flag existed
        flagged += counts.get(flag, 0)
    inputs = {"categories": list(params["categories"]), "flag": flag, "total": total,
              flag: None if missing else flagged}
    return (None if missing else flagged), total, inputs


def _facility_pct(row, params):
    flagged, total, inputs = _facility_sums(row, params)
    return _ratio(flagged, total, 100.0, inputs)


def _facility_count(row, params):
    flagged, total, inputs = _facility_sums(row, params)
    return Measurement(None if flagged is None else float(flagged), flagged, total, inputs)


def _per_km2(field_name: str):
    def compute(row, params):
        value, area = row.get(field_name), row.get("area_m2")
        inputs = {field_name: value, "area_m2": area}
        return _ratio(value, None if area is None else area / 1e6, 1.0, inputs)
    return compute


FACILITY_PARAMS = ("flag", "categories")

METRICS: dict[str, Metric] = {
    metric.id: metric
    for metric in [
        Metric("wifi_area_pct", "Luas wilayah terjangkau wifi gratis",
               "Area covered by free wifi", "%", _fraction("covered_m2", "area_m2", 100.0)),
        Metric("wifi_population_pct", "Penduduk dalam jangkauan wifi gratis",
               "Population within free-wifi coverage", "%",
               _fraction("covered_population", "population", 100.0)),
        Metric("hotspots_per_10k", "Hotspot gratis aktif per 10.000 penduduk",
               "Active free hotspots per 10,000 residents", "per 10.000",
               _fraction("hotspots_active", "population", 1e4)),
        Metric("hotspots_per_km2", "Hotspot gratis aktif per km²",
               "Active free hotspots per km²", "per km²", _per_km2("hotspots_active")),
        Metric("hotspots_active", "Hotspot gratis aktif", "Active free hotspots", "titik",
               _count("hotspots_active")),
        Metric("hotspots_in_service", "Hotspot beroperasi (aktif, mati, perawatan)",
               "Hotspots in service (active, down, maintenance)", "titik",
               _count("hotspots_total")),
        Metric("hotspots_working_pct", "Hotspot yang berfungsi (aktif dari aktif+mati+perawatan)",
               "Hotspots working (active of active+down+maintenance)", "%", _working),
        Metric("hotspots_down_pct", "Hotspot mati atau dalam perawatan",
               "Hotspots down or in maintenance", "%", _down),
        Metric("kelurahan_with_hotspot_pct", "Kelurahan dengan minimal satu hotspot aktif",
               "Kelurahan with at least one active hotspot", "%",
               _fraction("leaves_with_hotspot", "leaf_count", 100.0)),
        Metric("facility_pct", "Fasilitas yang memenuhi syarat", "Facilities meeting the flag",
               "%", _facility_pct, FACILITY_PARAMS),
        Metric("facility_count", "Jumlah fasilitas yang memenuhi syarat",
               "Facilities meeting the flag", "fasilitas", _facility_count, FACILITY_PARAMS),
        Metric("fiber_m_per_km2", "Panjang rute serat optik per km²", "Fiber route length per km²",
               "m/km²", _per_km2("fiber_route_m")),
    ]
}


def check_params(metric_id: str, params: Mapping | None) -> list[str]:
    """Problems with a metric name and its parameters (empty when they are fine)."""
    metric = METRICS.get(metric_id)
    if metric is None:
        return [f"unknown metric {metric_id!r}; known metrics: {', '.join(sorted(METRICS))}"]
    params = params or {}
    problems = [f"metric {metric_id!r} takes no parameter {name!r}"
                for name in params if name not in metric.params]
    problems += [f"metric {metric_id!r} needs the parameter {name!r}"
                 for name in metric.params if name not in params]
    if metric.params != FACILITY_PARAMS or problems:
        return problems
    if params["flag"] not in FACILITY_FLAGS:
        problems.append(f"flag {params['flag']!r} is not one of {', '.join(FACILITY_FLAGS)}")
    categories = params["categories"]
    if not isinstance(categories, list) or not categories:
        return [*problems, "categories must be a non-empty list of facility types"]
    unknown = [c for c in categories if c not in FACILITY_CATEGORIES]
    if unknown:
        problems.append(f"unknown facility categories {unknown}; use facility types "
                        f"({', '.join(FacilityType.values)}) or one of {AGGREGATE_CATEGORIES}")
    aggregated = [c for c in categories if c in AGGREGATE_CATEGORIES]
    if aggregated and len(categories) > 1:
        problems.append(f"category {aggregated[0]!r} already includes the others; "
                        "use it alone")
    if len(set(categories)) != len(categories):
        problems.append("categories are listed twice")
    return problems


def measure(metric_id: str, row: Mapping, params: Mapping | None = None) -> Measurement:
    """Measure a metric on one area's figures."""
    return METRICS[metric_id].measure(row, params)


def metric_label(metric_id: str, params: Mapping | None = None) -> str:
    """A short human label for a metric with its parameters (UI language)."""
    metric = METRICS[metric_id]
    label = metric.name_en if (get_language() or "").startswith("en") else metric.name_id
    if params and "flag" in params:
        label += f" ({params['flag']}: {', '.join(params['categories'])})"
    return label
