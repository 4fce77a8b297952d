"""The feature collections the OGC API publishes, and their spatial and temporal queries.

Each collection reuses the REST API's queryset and GeoJSON serializer, so the two services
show the same fields with the same public/internal rules.
"""

import datetime
from dataclasses import dataclass

from django.contrib.gis.db.models import Extent
from django.db.models import Min, Q

from geo.api.serializers.areas import AdminAreaSerializer
from inventory.api.serializers.assets import (
    FacilitySerializer,
    FiberLinkSerializer,
    FiberNodeSerializer,
    HotspotSerializer,
)
from inventory.models import Facility, FiberLink, FiberNode, Hotspot

from ..models import AdminArea

WORLD_BBOX = [-180.0, -90.0, 180.0, 90.0]
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


@dataclass(frozen=True)
class Collection:
    """One published layer."""

    id: str
    title: str
    description: str
    model: type
    serializer: type
    geometry_field: str = "geom"
    ordering: tuple[str, ...] = ("pk",)
    select_related: tuple[str, ...] = ()  # their (large) geometry is not loaded
    temporal: bool = True
    id_field: str = "pk"

    def queryset(self):
        """All features, in a stable order for offset paging."""
        return (
            self.model.objects.select_related(*self.select_related)
            .defer(*(f"{name}__geom" for name in self.select_related))
            .order_by(*self.ordering)
        )

    def in_time(self, queryset, start: datetime.date | None, end: datetime.date | None):
        """Features in service at some moment between `start` and `end` (either open).

        Collections without service dates ignore the filter.
        """
        if not self.temporal:
            return queryset
        if start is not None and start == end:
            return queryset.in_service(start)
        if end is not None:
            queryset = queryset.filter(Q(installed_on__isnull=True) | Q(installed_on__lte=end))
        if start is not None:
            queryset = queryset.filter(
                Q(decommissioned_on__isnull=True) | Q(decommissioned_on__gt=start)
            )
        return queryset

    def extent(self) -> dict:
        """Spatial extent (CRS84 bbox) and, for dated layers, the temporal one."""
        stats = self.model.objects.aggregate(
            bbox=Extent(self.geometry_field),
            **({"first": Min("installed_on")} if self.temporal else {}),
        )
        extent = {"spatial": {"bbox": [list(stats["bbox"] or WORLD_BBOX)], "crs": CRS84}}
        if self.temporal:
            first = stats["first"]
            extent["temporal"] = {
                "interval": [[f"{first.isoformat()}T00:00:00Z" if first else None, None]],
                "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
            }
        return extent


COLLECTIONS = {
    c.id: c
    for c in [
        Collection(
            "hotspots",
            "Hotspot wifi gratis",
            "Free public wifi access points, with status, operator and coverage radius.",
            Hotspot,
            HotspotSerializer,
            select_related=("area",),
        ),
        Collection(
            "facilities",
            "Fasilitas publik",
            "Public-service facilities: offices, schools, puskesmas, markets, parks.",
            Facility,
            FacilitySerializer,
            select_related=("area",),
        ),
        Collection(
            "fiber-nodes",
            "Node serat optik",
            "Points of the fiber network (OFDS Nodes).",
            FiberNode,
            FiberNodeSerializer,
            select_related=("area",),
        ),
        Collection(
            "fiber-links",
            "Jalur serat optik",
            "Fiber spans between nodes (OFDS Spans); technical details of sensitive spans "
            "are not public.",
            FiberLink,
            FiberLinkSerializer,
            geometry_field="route",
        ),
        Collection(
            "areas",
            "Wilayah administrasi",
            "Administrative areas, provinsi to desa/kelurahan; the feature id is the "
            "Kemendagri code.",
            AdminArea,
            AdminAreaSerializer,
            ordering=("code",),
            select_related=("parent",),
            temporal=False,
            id_field="code",
        ),
    ]
}
