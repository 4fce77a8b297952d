"""Nearest free wifi, on the hot path: `Hotspot.objects.nearest()` compiled once, run many times.

Building the ORM query costs more than running it (about 1.8 ms against 1 ms with the GiST
index on 1,000,000 hotspots). The SQL that `nearest()` produces is therefore compiled once per
process for each (date, status, limit), with a placeholder point, and executed with the
request's point put in the placeholder's two parameter slots. The query itself, and so its
correctness, stays `Hotspot.objects.nearest()`.
"""

import datetime
import functools

from django.contrib.gis.db.backends.postgis.adapter import PostGISAdapter
from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models import FloatField, Func
from django.utils import timezone

from ..models import Hotspot

# Returned keys, in the order of the SELECT.
KEYS = (
    "id",
    "name",
    "ssid",
    "operator",
    "site_type",
    "placement",
    "status",
    "opening_hours",
    "coverage_radius_m",
    "area_code",
    "lon",
    "lat",
    "distance_m",
)
_PLACEHOLDER = Point(-179.5, -89.5, srid=4326)


def _coordinate(function: str) -> Func:
    return Func("geom", function=function, output_field=FloatField())


@functools.lru_cache(maxsize=256)
def _compiled(today: datetime.date, status: str, limit: int) -> tuple[str, tuple, tuple]:
    """SQL, parameters and the positions of the point in them, for one kind of request."""
    hotspots = Hotspot.objects.filter(is_free=True).in_service(today)
    if status:
        hotspots = hotspots.filter(status=status)
    query = hotspots.nearest(_PLACEHOLDER, limit).values_list(
        *KEYS[:9], "area__code", _coordinate("ST_X"), _coordinate("ST_Y"), "distance_m"
    )
    sql, params = query.query.sql_with_params()
    placeholder = PostGISAdapter(_PLACEHOLDER)
    slots = tuple(i for i, value in enumerate(params) if value == placeholder)
    if not slots:
        raise RuntimeError("The nearest query does not contain its point parameter.")
    return sql, tuple(params), slots


def nearest_free_hotspots(point: Point, limit: int, status: str | None = None) -> list[dict]:
    """Free hotspots in service today nearest to `point`, with `distance_m` (geodesic)."""
    sql, params, slots = _compiled(timezone.localdate(), status or "", limit)
    values = list(params)
    adapter = PostGISAdapter(point)
    for slot in slots:
        values[slot] = adapter
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return [dict(zip(KEYS, row, strict=True)) for row in cursor.fetchall()]
