"""Per-request queries on the registry, run in PostGIS on indexed columns."""

import datetime

from django.contrib.gis.db import models
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.geos import Point
from django.utils import timezone

from core.functions import GeographyDistance, KNNDistance

from .choices import HotspotStatus, ReportKind, ReportStatus


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
        degrees), then are ranked by true distance on the spheroid. Within Indonesia
        (|latitude| < 11°) degrees east and north differ by under 2%, so four times `limit`
        plus 20 candidates always hold the true nearest ones.
        """
        point_value = models.Value(point, output_field=GeometryField(srid=4326))
        candidates = candidates or 4 * limit + 20
        candidate_ids = self.order_by(KNNDistance("geom", point_value)).values("pk")[:candidates]
        return (
            self.filter(pk__in=models.Subquery(candidate_ids))
            .annotate(distance_m=GeographyDistance("geom", point_value))
            .order_by("distance_m", "pk")[:limit]
        )


class HotspotQuerySet(PointAssetQuerySet):
    """Queries on hotspots."""

    def active(self):
        """Free hotspots whose status is active."""
        return self.filter(status=HotspotStatus.ACTIVE, is_free=True)

    def with_report_counts(self):
        """Annotate citizen report counts: `reports_total` and `reports_<status>` per status."""
        return self.annotate(**report_count_annotations())


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


def report_count_annotations(prefix: str = "reports") -> dict:
    """Annotations counting a hotspot's reports: in total and per status.

    `<prefix>_total`, `<prefix>_new`, `<prefix>_confirmed`, `<prefix>_resolved`,
    `<prefix>_rejected`. Distinct counts, so they stay exact beside other joins.
    """
    counts = {f"{prefix}_total": models.Count("reports", distinct=True)}
    for status in ReportStatus:
        counts[f"{prefix}_{status.value}"] = models.Count(
            "reports", filter=models.Q(reports__status=status), distinct=True
        )
    return counts
