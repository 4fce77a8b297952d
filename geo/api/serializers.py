"""Serializers of the geo API, and the GeoJSON building blocks the inventory API reuses.

Output is RFC 7946 GeoJSON: WGS 84 longitude/latitude, no `crs` member, coordinates rounded
to 7 decimals (about 1 cm).
"""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from ..choices import AreaKind, AreaLevel
from ..models import AdminArea

COORDINATE_DECIMALS = 7


class PrecisionGeometryField(GeometryField):
    """A GeoJSON geometry with coordinates rounded to `COORDINATE_DECIMALS`.

    Points, the bulk of every list, are written directly from x/y without a round trip
    through GDAL's GeoJSON export.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("precision", COORDINATE_DECIMALS)
        super().__init__(**kwargs)

    def to_representation(self, value):
        """GeoJSON geometry object of a GEOS geometry."""
        if value is not None and value.geom_typeid == 0 and not value.empty:  # Point
            return {
                "type": "Point",
                "coordinates": [round(value.x, self.precision), round(value.y, self.precision)],
            }
        return super().to_representation(value)


class ModelValidationMixin:
    """Run the model's own validation (`full_clean`) on writes and report it as a 400.

    The model's messages and field names are kept, e.g. a point outside every loaded
    desa/kelurahan is refused under `geom` with the model's text.
    """

    validation_exclude: tuple[str, ...] = ()

    def validate(self, attrs):
        """Validate `attrs` applied to a copy of the instance (or a new one)."""
        attrs = super().validate(attrs)
        model = self.Meta.model
        instance = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            setattr(instance, name, value)
        try:
            instance.full_clean(exclude=list(self.validation_exclude))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
        return attrs


class AdminAreaSerializer(GeoFeatureModelSerializer):
    """An administrative area as a GeoJSON Feature whose id is its Kemendagri code."""

    geom = PrecisionGeometryField(read_only=True)
    parent = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True,
        help_text="Kemendagri code of the parent area (null for a provinsi)."
    )

    class Meta:
        model = AdminArea
        geo_field = "geom"
        id_field = "code"
        fields = [
            "code",
            "name",
            "level",
            "kind",
            "parent",
            "area_m2",
            "population",
            "population_year",
            "population_source",
            "source",
            "geom_repaired",
            "last_updated",
        ]
        read_only_fields = fields


class LayerCountsSerializer(serializers.Serializer):
    """Records of each layer in service on the summary date."""

    hotspots = serializers.IntegerField(help_text="Hotspots in service.")
    hotspots_active_free = serializers.IntegerField(
        help_text="Of those, free hotspots whose status is active."
    )
    facilities = serializers.IntegerField(help_text="Public facilities in service.")
    fiber_nodes = serializers.IntegerField(help_text="Fiber nodes in service.")
    fiber_links = serializers.IntegerField(
        help_text="Fiber links in service whose route crosses the area."
    )


class AreaCountsSerializer(serializers.Serializer):
    """An area with its counts."""

    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=AreaLevel.choices)
    kind = serializers.ChoiceField(choices=AreaKind.choices)
    population = serializers.IntegerField(allow_null=True)
    counts = LayerCountsSerializer()


class AreaSummarySerializer(AreaCountsSerializer):
    """An area's counts per layer, and the same for each of its direct children."""

    as_of = serializers.DateField(help_text="Date on which records are counted as in service.")
    children = AreaCountsSerializer(many=True)


class AsOfQuerySerializer(serializers.Serializer):
    """Query parameters of the summary."""

    as_of = serializers.DateField(
        required=False,
        help_text="Count records in service on this date (YYYY-MM-DD; default today).",
    )
