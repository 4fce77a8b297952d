"""FilterSets of the registry layers: area, status, type, operator, date, text and space.

Every filter is described (`help_text`) so that the OpenAPI schema documents it.
"""

import django_filters
from django.db.models import Exists, OuterRef, Q

from core.filters import AreaCodeFilter, DistanceFilterSetMixin, SearchFilter, bbox_filter
from geo.models import AdminArea

from .choices import (
    Connectivity,
    Deployment,
    FacilityType,
    FiberNodeType,
    FiberStatus,
    HotspotStatus,
    ReportKind,
    ReportStatus,
    SiteType,
)
from .models import Facility, FiberLink, FiberNode, Hotspot, HotspotReport

AREA_HELP = (
    "Records in the area with this Kemendagri code, at any level: a provinsi (`35`), "
    "kabupaten/kota (`35.76`), kecamatan (`35.76.01`) or desa/kelurahan (`35.76.01.1003`); "
    "dots optional."
)
AS_OF_HELP = (
    "Records in service on this date (YYYY-MM-DD): installed on or before it (or with no "
    "installation date) and not decommissioned by then."
)
OPERATOR_HELP = "Operator name, case-insensitive exact match."


class AssetFilterSet(DistanceFilterSetMixin):
    """Filters shared by every registry layer."""

    area = AreaCodeFilter(method="filter_area", help_text=AREA_HELP)
    as_of = django_filters.DateFilter(method="filter_as_of", help_text=AS_OF_HELP)
    external_id = django_filters.CharFilter(help_text="ID in the source system (exact).")
    source = django_filters.CharFilter(help_text="Source of the record (exact), e.g. `demo`.")

    def filter_area(self, queryset, name, value):
        """Point assets by the desa/kelurahan they stand in."""
        return queryset.in_area(value) if value else queryset

    def filter_as_of(self, queryset, name, value):
        """Assets in service on the date."""
        return queryset.in_service(value) if value else queryset


class HotspotFilterSet(AssetFilterSet):
    """Filters of the hotspot layer."""

    status = django_filters.MultipleChoiceFilter(
        choices=HotspotStatus.choices, help_text="Status (repeat to combine)."
    )
    type = django_filters.MultipleChoiceFilter(
        field_name="site_type",
        choices=SiteType.choices,
        help_text="Kind of site (repeat to combine).",
    )
    operator = django_filters.CharFilter(lookup_expr="iexact", help_text=OPERATOR_HELP)
    is_free = django_filters.BooleanFilter(help_text="Free of charge (`true`/`false`).")
    search = SearchFilter(
        search_fields=("name", "ssid", "external_id", "operator"),
        help_text="Text contained in the name, SSID, external ID or operator.",
    )
    in_bbox = bbox_filter()

    class Meta:
        model = Hotspot
        fields = [
            "area", "status", "type", "operator", "is_free", "as_of", "search", "external_id",
            "source", "in_bbox", "point", "distance_m",
        ]


class FacilityFilterSet(AssetFilterSet):
    """Filters of the facility layer."""

    type = django_filters.MultipleChoiceFilter(
        field_name="facility_type",
        choices=FacilityType.choices,
        help_text="Kind of facility (repeat to combine).",
    )
    is_government_office = django_filters.BooleanFilter(
        help_text="Government offices only (`true`) or others only (`false`)."
    )
    connectivity = django_filters.MultipleChoiceFilter(
        choices=Connectivity.choices, help_text="Internet connection (repeat to combine)."
    )
    search = SearchFilter(
        search_fields=("name", "address", "external_id"),
        help_text="Text contained in the name, address or external ID.",
    )
    in_bbox = bbox_filter()

    class Meta:
        model = Facility
        fields = [
            "area", "type", "is_government_office", "connectivity", "as_of", "search",
            "external_id", "source", "in_bbox", "point", "distance_m",
        ]


class FiberNodeFilterSet(AssetFilterSet):
    """Filters of the fiber node layer."""

    status = django_filters.MultipleChoiceFilter(
        choices=FiberStatus.choices, help_text="Status, OFDS codelist (repeat to combine)."
    )
    type = django_filters.MultipleChoiceFilter(
        field_name="node_type",
        choices=FiberNodeType.choices,
        help_text="Kind of node (repeat to combine).",
    )
    operator = django_filters.CharFilter(lookup_expr="iexact", help_text=OPERATOR_HELP)
    owner = django_filters.CharFilter(
        lookup_expr="iexact", help_text="Owner name, case-insensitive exact match."
    )
    search = SearchFilter(
        search_fields=("name", "external_id", "operator", "owner"),
        help_text="Text contained in the name, external ID, operator or owner.",
    )
    in_bbox = bbox_filter()

    class Meta:
        model = FiberNode
        fields = [
            "area", "status", "type", "operator", "owner", "as_of", "search", "external_id",
            "source", "in_bbox", "point", "distance_m",
        ]


class FiberLinkFilterSet(AssetFilterSet):
    """Filters of the fiber link layer; `area` and space filters apply to the route."""

    geometry_field = "route"

    area = AreaCodeFilter(
        method="filter_area",
        help_text=AREA_HELP.replace("Records in", "Links whose route crosses"),
    )
    status = django_filters.MultipleChoiceFilter(
        choices=FiberStatus.choices, help_text="Status, OFDS codelist (repeat to combine)."
    )
    type = django_filters.MultipleChoiceFilter(
        field_name="deployment",
        choices=Deployment.choices,
        help_text="How the span is laid: underground, duct or aerial (repeat to combine).",
    )
    operator = django_filters.CharFilter(lookup_expr="iexact", help_text=OPERATOR_HELP)
    owner = django_filters.CharFilter(
        lookup_expr="iexact", help_text="Owner name, case-insensitive exact match."
    )
    node = django_filters.NumberFilter(
        method="filter_node", help_text="Links that start or end at the node with this id."
    )
    search = SearchFilter(
        search_fields=("name", "external_id", "operator", "owner"),
        help_text="Text contained in the name, external ID, operator or owner.",
    )
    in_bbox = bbox_filter("route")

    class Meta:
        model = FiberLink
        fields = [
            "area", "status", "type", "operator", "owner", "node", "as_of", "search",
            "external_id", "source", "in_bbox", "point", "distance_m",
        ]

    def filter_area(self, queryset, name, value):
        """Links whose route crosses a desa/kelurahan of the area."""
        return queryset.filter(leaf_areas_intersecting(value, "route")) if value else queryset

    def filter_node(self, queryset, name, value):
        """Links touching the node."""
        return queryset.filter(Q(start_node_id=value) | Q(end_node_id=value))


def leaf_areas_intersecting(code: str, outer_field: str):
    """`Exists(...)`: a desa/kelurahan of the area `code` intersects the outer row's field."""
    return Exists(
        AdminArea.objects.leaves()
        .subtree(code)
        .filter(geom__intersects=OuterRef(outer_field))
    )


class ReportFilterSet(django_filters.FilterSet):
    """`?status=new&kind=not_working&hotspot=12`."""

    status = django_filters.ChoiceFilter(choices=ReportStatus.choices)
    kind = django_filters.ChoiceFilter(choices=ReportKind.choices)
    hotspot = django_filters.NumberFilter(field_name="hotspot_id", min_value=1,
                                          max_value=2**63 - 1, label="Id of the hotspot")

    class Meta:
        model = HotspotReport
        fields = ["status", "kind", "hotspot"]
