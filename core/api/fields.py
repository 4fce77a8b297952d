"""GeoJSON building blocks every API serializer reuses.

Output is RFC 7946 GeoJSON: WGS 84 longitude/latitude, no `crs` member, coordinates rounded
to 7 decimals (about 1 cm).
"""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField

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
