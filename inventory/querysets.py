"""Per-request queries on the registry, run in PostGIS on indexed columns."""

import datetime

from django.contrib.gis.db import models
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import timezone

from core.functions import GeographyDistance, KNNDistance

from .choices import ReportKind, ReportStatus


class InServiceQuerySet(models.QuerySet):
    """Queries shared by every asset that has installation and decommissioning dates."""

    def in_service(self, as_of: datetime.date | None = None):
        """Assets in service on `as_of` (default today).

        An asset counts if it was installed on or before the date (an unknown installation
        date counts as installed) and not decommissioned by then.
        """
        as_of = as_of or timezone.localdate()
        return self.filter(
            models.Q(installed_on__isnull=True) | models.Q(installed_on__lte=as_of),
            models.Q(decommissioned_on__isnull=True) | models.Q(decommissioned_on__gt=as_of),
        )

    def in_area(self, code: str):
        """Assets whose desa/kelurahan lies in the area with this code (any level)."""
        return self.filter(models.Q(area__code=code) | models.Q(area__code__startswith=f"{code}."))


class PointAssetQuerySet(InServiceQuerySet):
    """Queries on point assets (hotspots, facilities, fiber nodes)."""

    def nearest(self, point: Point, limit: int = 5, candidates: int | None = None):
        """The `limit` assets nearest to `point`, with `distance_m` (geodesic metres).

        Candidates come from the GiST index with the KNN operator `<->` (planar distance in
        degrees), then are ranked by true distance on the spheroid (`nearest_candidates`).
        """
        point_value = models.Value(point, output_field=GeometryField(srid=4326))
        candidates = candidates or nearest_candidates(limit)
        candidate_ids = self.order_by(KNNDistance("geom", point_value)).values("pk")[:candidates]
        return (
            self.filter(pk__in=models.Subquery(candidate_ids))
            .annotate(distance_m=GeographyDistance("geom", point_value))
            .order_by("distance_m", "pk")[:limit]
        )


#: The nearest free hotspots in service, ranked by geodesic distance: the same query as
#: `Hotspot.objects.filter(is_free=True).in_service(today).nearest(point, limit)` (a test
#: holds the two together), written out because it is the API's hot path (the ORM spends
#: longer building it than PostgreSQL spends running it). `status` '' means any status.
NEAREST_FREE_HOTSPOTS_SQL = """
WITH here AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS point),
candidates AS (
    SELECT h.id FROM inventory_hotspot h, here
    WHERE h.is_free
      AND (h.installed_on IS NULL OR h.installed_on <= %(today)s)
      AND (h.decommissioned_on IS NULL OR h.decommissioned_on > %(today)s)
      AND (%(status)s = '' OR h.status = %(status)s)
    ORDER BY h.geom <-> here.point
    LIMIT %(candidates)s
)
SELECT h.id, h.name, h.ssid, h.operator, h.site_type, h.placement, h.status,
       h.opening_hours, h.coverage_radius_m, a.code AS area_code,
       ST_X(h.geom) AS lon, ST_Y(h.geom) AS lat,
       ST_Distance(h.geom::geography, here.point::geography) AS distance_m
FROM candidates JOIN inventory_hotspot h ON h.id = candidates.id
JOIN geo_adminarea a ON a.id = h.area_id
CROSS JOIN here
ORDER BY distance_m, h.id
LIMIT %(limit)s
"""


def nearest_free_hotspots(point: Point, limit: int, status: str | None = None,
                          today: datetime.date | None = None) -> list[dict]:
    """Free hotspots in service on `today` (default today) nearest to `point`, as dicts with
    their `area_code`, `lon`, `lat` and `distance_m` (geodesic metres); `status` filters."""
    params = {
        "lon": point.x, "lat": point.y, "today": today or timezone.localdate(),
        "status": status or "", "candidates": nearest_candidates(limit), "limit": limit,
    }
    with connection.cursor() as cursor:
        cursor.execute(NEAREST_FREE_HOTSPOTS_SQL, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def nearest_candidates(limit: int) -> int:
    """How many KNN candidates (planar, in degrees) surely hold the `limit` nearest by true
    distance: within Indonesia (|latitude| < 11°) degrees east and north differ by under 2%,
    so four times `limit` plus 20 always do."""
    return 4 * limit + 20


class HotspotReportQuerySet(models.QuerySet):
    """Queries on citizen reports."""

    def pending(self):
        """Reports no editor has looked at yet (status new)."""
        return self.filter(status=ReportStatus.NEW)

    def confirmed_outages(self):
        """Confirmed "not working" reports that are not resolved yet."""
        return self.filter(
            kind=ReportKind.NOT_WORKING, status=ReportStatus.CONFIRMED, resolved_at__isnull=True
        )
