"""Deterministic test data: areas and assets placed on a grid in UTM 49S metres.

Geometry is built in EPSG:32749 so that areas and distances can be computed by hand, then
stored in EPSG:4326 like real data. `ORIGIN` is a point in Kota Mojokerto.
"""

import datetime

import shapely
from django.contrib.gis.geos import GEOSGeometry
from pyproj import Transformer
from shapely.geometry import box

from core.codes import ancestors_of, kind_of, level_of, parent_of
from geo.models import AdminArea
from inventory.models import Facility, FiberLink, FiberNode, Hotspot

ORIGIN = (657000.0, 9174000.0)
_TO_WGS84 = Transformer.from_crs(32749, 4326, always_xy=True)


def to_storage(geom_utm) -> GEOSGeometry:
    """A shapely geometry in UTM 49S metres as a GEOS geometry in EPSG:4326."""
    wgs = shapely.transform(geom_utm, _TO_WGS84.transform, interleaved=False)
    return GEOSGeometry(memoryview(shapely.to_wkb(wgs)), srid=4326)


def square(col: int, row: int, size: float = 1000.0):
    """The UTM square of side `size` at grid cell (col, row) from ORIGIN."""
    x0, y0 = ORIGIN[0] + col * size, ORIGIN[1] + row * size
    return box(x0, y0, x0 + size, y0 + size)


def point(dx: float, dy: float):
    """A UTM point `dx`, `dy` metres from ORIGIN."""
    return shapely.Point(ORIGIN[0] + dx, ORIGIN[1] + dy)


def lonlat(dx: float, dy: float) -> tuple[float, float]:
    """(lon, lat) of the point `dx`, `dy` metres from ORIGIN."""
    return _TO_WGS84.transform(ORIGIN[0] + dx, ORIGIN[1] + dy)


def make_area(code: str, geom_utm, name: str | None = None, population: int | None = None):
    """Create an area and any missing ancestors (ancestors take the same geometry)."""
    multi = to_storage(shapely.MultiPolygon([geom_utm]) if geom_utm.geom_type == "Polygon"
                       else geom_utm)
    parent = None
    for ancestor in ancestors_of(code):
        parent, _ = AdminArea.objects.get_or_create(
            code=ancestor,
            defaults={"name": f"Area {ancestor}", "level": level_of(ancestor),
                      "kind": kind_of(ancestor), "geom": multi, "parent": parent},
        )
    return AdminArea.objects.create(
        code=code, name=name or f"Area {code}", level=level_of(code), kind=kind_of(code),
        parent=parent if parent_of(code) else None, geom=multi, population=population,
        population_year=2023 if population is not None else None,
    )


def strip(x0: float, x1: float):
    """The UTM box x0–x1 metres east of ORIGIN, 0–1000 metres north."""
    return box(ORIGIN[0] + x0, ORIGIN[1], ORIGIN[0] + x1, ORIGIN[1] + 1000)


def save_utm_area(code: str, geom_utm, name: str, population: int | None = None, **fields):
    """`geo.services.save_area` with a UTM geometry: parents derived and dissolved, assets
    moved, as `load_areas` does (BPS 2023 population when one is given)."""
    from geo.services import save_area

    return save_area(code=code, name=name, geom=to_storage(geom_utm), population=population,
                     population_year=2023 if population is not None else None,
                     population_source="BPS" if population is not None else "", **fields)


#: Assets are installed on this date unless a test says otherwise: an unknown install date
#: does not count for a past date, and most tests analyse one.
INSTALLED_ON = datetime.date(2020, 1, 1)


def make_hotspot(dx: float, dy: float, name: str = "Hotspot", **fields) -> Hotspot:
    """Create a hotspot `dx`, `dy` metres from ORIGIN (an area must cover it)."""
    defaults = {"operator": "Diskominfo", "site_type": "taman", "placement": "outdoor",
                "installed_on": INSTALLED_ON}
    return Hotspot.objects.create(name=name, geom=to_storage(point(dx, dy)),
                                  **{**defaults, **fields})


def make_facility(dx: float, dy: float, name: str = "Facility", **fields) -> Facility:
    """Create a facility `dx`, `dy` metres from ORIGIN."""
    defaults = {"facility_type": "kantor_kelurahan", "is_government_office": True,
                "installed_on": INSTALLED_ON}
    return Facility.objects.create(name=name, geom=to_storage(point(dx, dy)),
                                   **{**defaults, **fields})


def make_node(dx: float, dy: float, name: str = "Node", **fields) -> FiberNode:
    """Create a fiber node `dx`, `dy` metres from ORIGIN."""
    defaults = {"node_type": "odp", "installed_on": INSTALLED_ON}
    return FiberNode.objects.create(name=name, geom=to_storage(point(dx, dy)),
                                    **{**defaults, **fields})


def make_link(start: FiberNode, end: FiberNode, name: str = "Link", **fields) -> FiberLink:
    """Create a straight fiber span between two nodes."""
    route = GEOSGeometry(f"LINESTRING({start.geom.x} {start.geom.y}, {end.geom.x} {end.geom.y})",
                         srid=4326)
    return FiberLink.objects.create(name=name, start_node=start, end_node=end, route=route,
                                    **{"installed_on": INSTALLED_ON, **fields})
