"""GeoJSON serializers of the registry layers, with the public/internal split.

Anonymous clients, and users without the model's `view` permission, never receive
`notes`, nor the technical details of records marked `is_sensitive` (inventory/sensitivity.py).
The view tells the serializer which case applies through the `internal` context key;
without it, the public representation is used.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from core.api.fields import (
    COORDINATE_DECIMALS,
    ModelValidationMixin,
    PrecisionGeometryField,
)
from inventory.models import Facility, FiberLink, FiberNode, Hotspot
from inventory.sensitivity import hidden_fields, sensitive_fields

ASSET_FIELDS = [
    "id",
    "name",
    "external_id",
    "source",
    "installed_on",
    "decommissioned_on",
    "notes",
    "created",
    "last_updated",
]
POINT_ASSET_FIELDS = [*ASSET_FIELDS, "area_code", "area_name"]
INTERNAL_FIELDS = ("notes",)


def valid_geometry(value):
    """Refuse an invalid geometry with GEOS's reason (Django cannot check these constraints
    in Python, so `full_clean` skips them)."""
    if value is not None and not value.valid:
        raise serializers.ValidationError(
            _("Geometri tidak valid: %(reason)s.") % {"reason": value.valid_reason}
        )
    return value


class RegistrySerializer(ModelValidationMixin, GeoFeatureModelSerializer):
    """Base of the registry serializers: internal fields and model validation.

    The technical details of a sensitive record (`inventory.sensitivity`) are null for the
    public.
    """

    @property
    def internal(self) -> bool:
        """Whether the requester may read internal fields."""
        return bool(self.context.get("internal", False))

    def get_fields(self):
        """All fields, minus the internal ones for the public; for the public (and so in the
        published schema) the technical details of sensitive records may be null."""
        fields = super().get_fields()
        if not self.internal:
            for name in INTERNAL_FIELDS:
                fields.pop(name, None)
            for name in sensitive_fields(self.Meta.model):
                fields[name].allow_null = True
        return fields

    def to_representation(self, instance):
        """The GeoJSON Feature, with sensitive details hidden from the public."""
        feature = super().to_representation(instance)
        for name in hidden_fields(instance, public=not self.internal):
            feature["properties"][name] = None
        return feature


class PointAssetSerializer(RegistrySerializer):
    """Point assets: location, and the desa/kelurahan found for it (read-only)."""

    validation_exclude = ("area",)

    geom = PrecisionGeometryField(help_text="GeoJSON Point, WGS 84 longitude/latitude.")
    area_code = serializers.CharField(
        source="area.code", read_only=True, help_text="Code of the desa/kelurahan."
    )
    area_name = serializers.CharField(
        source="area.name", read_only=True, help_text="Name of the desa/kelurahan."
    )


class HotspotSerializer(PointAssetSerializer):
    """A free-wifi hotspot as a GeoJSON Feature."""

    validation_exclude = ("area", "coverage_area")

    coverage_area = PrecisionGeometryField(
        required=False,
        allow_null=True,
        help_text="Surveyed coverage polygon (GeoJSON Polygon), if any.",
    )

    status_effective_on = serializers.DateField(
        write_only=True, required=False,
        help_text="When a status change took effect (default today; may be back-dated, not "
                  "before the hotspot's latest recorded change, never in the future).",
    )

    def validate_coverage_area(self, value):
        """A valid polygon."""
        return valid_geometry(value)

    def _with_status_record(self, instance, validated_data):
        """Carry the status change's date and author to the save that records the period."""
        instance.status_effective_on = validated_data.pop("status_effective_on", None)
        request = self.context.get("request")
        instance.status_user = getattr(request, "user", None)
        return instance

    def create(self, validated_data):
        """Create, recording the first status period."""
        effective_on = validated_data.pop("status_effective_on", None)
        instance = Hotspot(**validated_data)
        self._with_status_record(instance, {"status_effective_on": effective_on})
        instance.save()
        return instance

    def update(self, instance, validated_data):
        """Update, recording a status period when the status changes."""
        self._with_status_record(instance, validated_data)
        return super().update(instance, validated_data)

    class Meta:
        model = Hotspot
        geo_field = "geom"
        fields = [
            *POINT_ASSET_FIELDS,
            "ssid",
            "operator",
            "site_type",
            "placement",
            "status",
            "status_effective_on",
            "is_free",
            "coverage_radius_m",
            "coverage_area",
            "bandwidth_mbps",
            "backhaul",
            "opening_hours",
            "host_facility",
            "last_verified_on",
        ]
        read_only_fields = ["created", "last_updated"]


class NearestHotspotSerializer(GeoFeatureModelSerializer):
    """A hotspot near a point: what a visitor needs, and the distance in metres.

    It renders the rows of `nearest_free_hotspots` directly (the hot path of the API); its
    declared fields document the Feature in the OpenAPI schema.
    """

    geom = PrecisionGeometryField(read_only=True)
    area_code = serializers.CharField(read_only=True, help_text="Code of the desa/kelurahan.")
    distance_m = serializers.FloatField(
        read_only=True, help_text="Geodesic distance from the query point in metres (to 0.1 m)."
    )

    class Meta:
        model = Hotspot
        geo_field = "geom"
        fields = [
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
            "distance_m",
        ]
        read_only_fields = fields

    PROPERTIES = tuple(Meta.fields[1:-1])

    def to_representation(self, row):
        """The Feature of one row (a dict from `nearest_free_hotspots`)."""
        return {
            "id": row["id"],
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [round(row["lon"], COORDINATE_DECIMALS),
                                round(row["lat"], COORDINATE_DECIMALS)],
            },
            "properties": {
                **{name: row[name] for name in self.PROPERTIES},
                "distance_m": round(row["distance_m"], 1),
            },
        }


class FacilitySerializer(PointAssetSerializer):
    """A public-service facility as a GeoJSON Feature."""

    class Meta:
        model = Facility
        geo_field = "geom"
        fields = [
            *POINT_ASSET_FIELDS,
            "facility_type",
            "is_government_office",
            "address",
            "connectivity",
            "fiber_node",
        ]
        read_only_fields = ["created", "last_updated"]


class FiberNodeSerializer(PointAssetSerializer):
    """A fiber node (OFDS Node) as a GeoJSON Feature."""

    class Meta:
        model = FiberNode
        geo_field = "geom"
        fields = [
            *POINT_ASSET_FIELDS,
            "node_type",
            "status",
            "owner",
            "operator",
            "is_sensitive",
        ]
        read_only_fields = ["created", "last_updated"]


class FiberLinkSerializer(RegistrySerializer):
    """A fiber span (OFDS Span) as a GeoJSON Feature."""

    validation_exclude = ("route",)

    route = PrecisionGeometryField(help_text="GeoJSON LineString, WGS 84 longitude/latitude.")

    def validate_route(self, value):
        """A valid line."""
        return valid_geometry(value)

    class Meta:
        model = FiberLink
        geo_field = "route"
        fields = [
            *ASSET_FIELDS,
            "start_node",
            "end_node",
            "length_m",
            "status",
            "owner",
            "operator",
            "fibre_count",
            "capacity_gbps",
            "deployment",
            "is_sensitive",
        ]
        read_only_fields = ["created", "last_updated", "length_m"]
