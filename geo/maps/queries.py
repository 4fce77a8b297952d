"""Viewport queries of the map layers, run in PostGIS: a box and a zoom in, GeoJSON out.

Each layer answers for one bounding box at one zoom. Point layers send their points when at
most `MAX_POINTS` fall in the box, otherwise grid clusters computed in the database; polygon
and line layers are simplified to about a pixel (shapes under a pixel are left out) and capped
at `MAX_SHAPES`. Geometry is serialised by PostGIS (`ST_AsGeoJSON`), so no feature is parsed
in Python.
"""

import datetime
import json
import math

from django.contrib.gis.db.models import Extent
from django.contrib.gis.db.models.functions import AsGeoJSON, Envelope
from django.contrib.gis.geos import Polygon
from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Floor
from django.utils import timezone

from core.choices import AreaLevel
from core.functions import PointX, PointY, Simplify
from geo.coverage.live import live_run
from geo.models import AdminArea, AreaCoverage, CoverageRun
from inventory.choices import FiberStatus
from inventory.models import Facility, FiberLink, FiberNode, Hotspot, HotspotReport
from inventory.sensitivity import redact

from . import constants as c

HOTSPOT_FIELDS = ("name", "ssid", "operator", "site_type", "status", "opening_hours",
                  "last_verified_on", "coverage_radius_m")
FACILITY_FIELDS = ("name", "facility_type", "is_government_office", "connectivity")
FIBER_NODE_FIELDS = ("name", "node_type", "status", "is_sensitive")


def pixel_degrees(zoom: int) -> float:
    """Width of one screen pixel in degrees of longitude at a Web Mercator zoom level."""
    return 360.0 / (256 * 2**zoom)


def pixel_metres(zoom: int, latitude: float = -7.5) -> float:
    """Width of one screen pixel in metres at a zoom level and latitude (for size filters)."""
    return 40_075_016.686 * math.cos(math.radians(latitude)) / (256 * 2**zoom)


def coordinate_decimals(zoom: int) -> int:
    """Decimals of degrees that resolve one pixel at this zoom (3 to 6)."""
    return min(6, max(3, math.ceil(-math.log10(pixel_degrees(zoom)))))


def area_level_for_zoom(zoom: int) -> int:
    """Administrative level drawn at a zoom: kabupaten/kota, kecamatan, then desa/kelurahan."""
    for max_zoom, level in c.AREA_LEVEL_BY_MAX_ZOOM:
        if zoom <= max_zoom:
            return level
    return c.LEAF_LEVEL


# --- What the public map shows ---------------------------------------------------------------
def _not_decommissioned(queryset: QuerySet, today: datetime.date) -> QuerySet:
    return queryset.filter(Q(decommissioned_on__isnull=True) | Q(decommissioned_on__gt=today))


def public_hotspots(today: datetime.date | None = None) -> QuerySet:
    """Hotspots on the public map (`HotspotQuerySet.public`), with `reported_down`."""
    return with_reported_down(Hotspot.objects.public(today))


def with_reported_down(hotspots: QuerySet) -> QuerySet:
    """Annotate `reported_down`: a citizen's "not working" report was confirmed by an editor
    and is not resolved yet. The map shows such active hotspots as "reported down"."""
    outages = HotspotReport.objects.confirmed_outages().filter(hotspot=OuterRef("pk"))
    return hotspots.annotate(reported_down=Exists(outages))


def public_facilities(today: datetime.date | None = None) -> QuerySet:
    """Facilities not decommissioned by `today`."""
    return _not_decommissioned(Facility.objects.all(), today or timezone.localdate())


def public_fiber_nodes(today: datetime.date | None = None) -> QuerySet:
    """Fiber nodes not decommissioned (by status or date)."""
    nodes = FiberNode.objects.exclude(status=FiberStatus.DECOMMISSIONED)
    return _not_decommissioned(nodes, today or timezone.localdate())


def public_fiber_links(today: datetime.date | None = None) -> QuerySet:
    """Fiber links not decommissioned (by status or date)."""
    links = FiberLink.objects.exclude(status=FiberStatus.DECOMMISSIONED)
    return _not_decommissioned(links, today or timezone.localdate())


# --- GeoJSON assembly -------------------------------------------------------------------------
def _json(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


def feature(geometry: str, properties: dict) -> str:
    """A GeoJSON Feature from a geometry already serialised by PostGIS."""
    return f'{{"type":"Feature","geometry":{geometry},"properties":{_json(properties)}}}'


def collection(features: list[str], **members) -> str:
    """A GeoJSON FeatureCollection with extra top-level members (e.g. `clustered`)."""
    extra = "".join(f',"{key}":{_json(value)}' for key, value in members.items())
    return f'{{"type":"FeatureCollection","features":[{",".join(features)}]{extra}}}'


def _point(lon: float, lat: float, decimals: int) -> str:
    return f'{{"type":"Point","coordinates":[{round(lon, decimals)},{round(lat, decimals)}]}}'


# --- Layers -----------------------------------------------------------------------------------
def point_layer(queryset: QuerySet, box: Polygon, zoom: int, fields: tuple[str, ...],
                status_values: tuple[str, ...] = ()) -> str:
    """Points of `queryset` in `box` with `fields`, or grid clusters when there are too many.

    The map is public: the technical details of sensitive records are null
    (`inventory.sensitivity`).

    A cluster feature has `cluster: true`, `count` and, per value of `status_values`, the
    count of points with that status.
    """
    inside = queryset.filter(geom__bboverlaps=box)
    count = inside.count()
    decimals = min(6, coordinate_decimals(zoom) + 1)  # points are few: a tenth of a pixel
    if count <= c.MAX_POINTS:
        rows = inside.annotate(lon=PointX("geom"), lat=PointY("geom")).order_by("pk")
        names = ["id", "lon", "lat", *fields]
        if "reported_down" in inside.query.annotations:
            names.append("reported_down")
        features = [
            feature(_point(row.pop("lon"), row.pop("lat"), decimals), redact(row, queryset.model))
            for row in rows.values(*names)
        ]
        return collection(features, clustered=False, count=count, zoom=zoom)
    cell = c.CLUSTER_CELL_PX * pixel_degrees(zoom)
    by_status = {value: Count("pk", filter=Q(status=value)) for value in status_values}
    clusters = (
        inside.annotate(cx=Floor(PointX("geom") / cell), cy=Floor(PointY("geom") / cell))
        .values("cx", "cy")
        .annotate(count=Count("pk"), lon=Avg(PointX("geom")), lat=Avg(PointY("geom")),
                  **by_status)
        .order_by("cx", "cy")
    )
    features = []
    for row in clusters:
        properties = {"cluster": True, "count": row["count"]}
        properties.update({value: row[value] for value in status_values})
        features.append(feature(_point(row["lon"], row["lat"], decimals), properties))
    return collection(features, clustered=True, count=count, zoom=zoom)


def hotspot_layer(box: Polygon, zoom: int) -> str:
    """Public hotspots in the box (points with popup fields, or clusters by status)."""
    statuses = tuple(str(s) for s in c.PUBLIC_HOTSPOT_STATUSES)
    return point_layer(public_hotspots(), box, zoom, HOTSPOT_FIELDS, statuses)


def facility_layer(box: Polygon, zoom: int) -> str:
    """Public-service facilities in the box (points, or clusters)."""
    return point_layer(public_facilities(), box, zoom, FACILITY_FIELDS)


def fiber_node_layer(box: Polygon, zoom: int) -> str:
    """Fiber nodes in the box (points, or clusters)."""
    return point_layer(public_fiber_nodes(), box, zoom, FIBER_NODE_FIELDS)


def _shapes(queryset: QuerySet, field: str, zoom: int, order: str, names: tuple[str, ...]):
    """Rows of `queryset` with `shape`: the geometry simplified to a pixel, as GeoJSON.

    Shapes smaller than a pixel simplify to nothing and are left out.
    """
    simplified = Simplify(field, Value(pixel_degrees(zoom)))
    return (
        queryset.annotate(shape=AsGeoJSON(simplified, precision=coordinate_decimals(zoom)))
        .filter(shape__isnull=False)
        .order_by(order)
        .values("shape", *names)[: c.MAX_SHAPES + 1]
    )


def _shape_collection(rows, zoom: int, **members) -> str:
    rows = list(rows)
    truncated = len(rows) > c.MAX_SHAPES
    features = [feature(row.pop("shape"), row) for row in rows[: c.MAX_SHAPES]]
    return collection(features, truncated=truncated, zoom=zoom, **members)


def area_layer(box: Polygon, zoom: int, run: CoverageRun | None = None) -> str:
    """Areas of the level for this zoom with wifi coverage from live coverage (choropleth)."""
    run = run if run is not None else live_run()
    level = area_level_for_zoom(zoom)
    areas = AdminArea.objects.filter(level=level, geom__bboverlaps=box)
    coverage = AreaCoverage.objects.filter(run=run, area=OuterRef("pk"))
    figures = ("covered_pct", "covered_population", "covered_population_pct",
               "hotspots_active", "hotspots_total")
    areas = areas.annotate(
        **{name: Subquery(coverage.values(name)[:1]) for name in figures}
    )
    rows = _shapes(areas, "geom", zoom, "code", ("code", "name", "kind", *figures))
    for row in rows:
        for name in ("covered_pct", "covered_population_pct"):
            if row[name] is not None:
                row[name] = round(row[name], 1)
        if row["covered_population"] is not None:
            row["covered_population"] = round(row["covered_population"])
    return _shape_collection(rows, zoom, level=level, level_label=str(AreaLevel(level).label),
                             run=run.pk if run else None)


def white_zone_layer(box: Polygon, zoom: int, run: CoverageRun | None = None) -> str:
    """Uncovered areas of live coverage in the box, largest first, above a few pixels."""
    run = run if run is not None else live_run()
    if run is None:
        return collection([], truncated=False, zoom=zoom, run=None)
    min_m2 = c.MIN_WHITE_ZONE_PX2 * pixel_metres(zoom) ** 2
    zones = run.white_zones.filter(geom__bboverlaps=box, area_m2__gte=min_m2).annotate(
        area_code=F("area__code"), area_name=F("area__name")
    )
    rows = _shapes(zones, "geom", zoom, "-area_m2",
                   ("rank", "area_m2", "population", "area_code", "area_name"))
    for row in rows:
        row["area_m2"] = round(row["area_m2"])
        row["population"] = None if row["population"] is None else round(row["population"])
    return _shape_collection(rows, zoom, run=run.pk)


def fiber_link_layer(box: Polygon, zoom: int) -> str:
    """Fiber links in the box by status (no technical details), longest first."""
    links = public_fiber_links().filter(route__bboverlaps=box)
    rows = _shapes(links, "route", zoom, "-length_m", ("id", "name", "status", "length_m"))
    for row in rows:
        row["length_m"] = round(row["length_m"])
    return _shape_collection(rows, zoom)


LAYERS = {
    "hotspots": hotspot_layer,
    "areas": area_layer,
    "white-zones": white_zone_layer,
    "fiber-links": fiber_link_layer,
    "fiber-nodes": fiber_node_layer,
    "facilities": facility_layer,
}


# --- Search and extents -----------------------------------------------------------------------
def search(text: str, limit: int = 8) -> dict:
    """Areas (by name or code) and public hotspots (by name or SSID) matching `text`."""
    text = text.strip()
    areas = (
        AdminArea.objects.filter(Q(name__icontains=text) | Q(code__startswith=text))
        .annotate(box=Envelope("geom"), parent_name=F("parent__name"))
        .order_by("-level", "name")[:limit]
    )
    hotspots = (
        public_hotspots()
        .filter(Q(name__icontains=text) | Q(ssid__icontains=text))
        .annotate(lon=PointX("geom"), lat=PointY("geom"), area_name=F("area__name"))
        .order_by("name")
        .values("id", "name", "ssid", "status", "lon", "lat", "area_name")[:limit]
    )
    return {
        "areas": [
            {"code": a.code, "name": a.name, "kind": a.get_kind_display(),
             "parent": a.parent_name, "bbox": [round(v, 6) for v in a.box.extent]}
            for a in areas
        ],
        "hotspots": [
            {**h, "lon": round(h["lon"], 6), "lat": round(h["lat"], 6)} for h in hotspots
        ],
    }


def leaf_extent() -> tuple[float, float, float, float] | None:
    """(min lon, min lat, max lon, max lat) of all desa/kelurahan, or None when none is loaded."""
    return AdminArea.objects.leaves().aggregate(extent=Extent("geom"))["extent"]
