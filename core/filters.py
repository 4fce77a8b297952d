"""The spatial, text and area-code filters every layer's FilterSet reuses.

Spatial filters take WGS 84 longitude/latitude and distances in metres. A distance is tested
on the spheroid (`ST_DWithin` on geography); a bounding box in degrees that surely contains
the circle is added only so that PostGIS can use the GiST index on the geometry column.
"""

import math

import django_filters
from django import forms
from django.contrib.gis.db.models import BooleanField, GeometryField
from django.contrib.gis.geos import Point, Polygon
from django.core.exceptions import ValidationError
from django.db.models import Func, Q, Value
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError as ApiValidationError

from .codes import normalize_code
from .functions import AsGeography

# Metres in one degree of latitude, rounded down (the true value is 110,574 m to 111,694 m),
# and of longitude at the equator, so that boxes built from them are never too small.
_M_PER_DEGREE_LOWER_BOUND = 110_000.0
MAX_DISTANCE_M = 100_000.0


def parse_bbox(value: str) -> Polygon:
    """`min_lon,min_lat,max_lon,max_lat` (WGS 84) as a polygon, or ValidationError."""
    parts = [p.strip() for p in str(value).split(",")]
    try:
        if len(parts) != 4:
            raise ValueError
        min_lon, min_lat, max_lon, max_lat = (float(p) for p in parts)
    except ValueError:
        raise ValidationError(
            _(
                "Kotak batas harus berupa empat angka: "
                "bujur_min,lintang_min,bujur_maks,lintang_maks."
            )
        ) from None
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ValidationError(
            _(
                "Kotak batas di luar jangkauan: bujur -180..180, lintang -90..90, dan nilai "
                "minimum tidak boleh melebihi nilai maksimum."
            )
        )
    box = Polygon.from_bbox((min_lon, min_lat, max_lon, max_lat))
    box.srid = 4326
    return box


def parse_point(value: str) -> Point:
    """`lon,lat` (WGS 84) as a point, or ValidationError."""
    parts = [p.strip() for p in str(value).split(",")]
    try:
        if len(parts) != 2:
            raise ValueError
        lon, lat = (float(p) for p in parts)
    except ValueError:
        raise ValidationError(_("Titik harus berupa dua angka: bujur,lintang.")) from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValidationError(_("Titik di luar jangkauan: bujur -180..180, lintang -90..90."))
    return Point(lon, lat, srid=4326)


class GeographyDWithin(Func):
    """ST_DWithin(a::geography, b::geography, metres): within a distance on the spheroid."""

    function = "ST_DWithin"
    output_field = BooleanField()

    def __init__(self, left, right, metres, **extra):
        super().__init__(AsGeography(left), AsGeography(right), Value(float(metres)), **extra)


def within_metres(queryset, field: str, point: Point, metres: float):
    """Rows whose `field` lies within `metres` of `point`, measured on the spheroid.

    The first filter is an index-assisted `ST_DWithin` in degrees with a radius large
    enough to contain the whole circle; the exact test is the geography one.
    """
    reach_lat = min(89.0, abs(point.y) + metres / _M_PER_DEGREE_LOWER_BOUND)
    pad = metres / (_M_PER_DEGREE_LOWER_BOUND * math.cos(math.radians(reach_lat)))
    target = Value(point, output_field=GeometryField(srid=4326))
    return queryset.filter(**{f"{field}__dwithin": (point, pad)}).filter(
        GeographyDWithin(field, target, metres)
    )


class BBoxFormField(forms.CharField):
    """Form field for `min_lon,min_lat,max_lon,max_lat`."""

    def clean(self, value):
        """Return the box as a polygon (or None when empty)."""
        value = super().clean(value)
        return parse_bbox(value) if value else None


class PointFormField(forms.CharField):
    """Form field for `lon,lat`."""

    def clean(self, value):
        """Return the point (or None when empty)."""
        value = super().clean(value)
        return parse_point(value) if value else None


class AreaCodeFormField(forms.CharField):
    """Form field for a Kemendagri code, dotted or plain digits."""

    def clean(self, value):
        """Return the dotted code (or None when empty)."""
        value = super().clean(value)
        if not value:
            return None
        try:
            return normalize_code(value)
        except ValueError:
            raise ValidationError(
                _("%(value)s bukan kode wilayah Kemendagri (mis. 35.76 atau 35.76.01.1003).")
                % {"value": value}
            ) from None


class BBoxFilter(django_filters.CharFilter):
    """Features whose geometry intersects a WGS 84 box."""

    field_class = BBoxFormField

    def filter(self, qs, value):
        """Filter by intersection with the box."""
        if value is None:
            return qs
        return qs.filter(**{f"{self.field_name}__intersects": value})


class PointFilter(django_filters.CharFilter):
    """The centre of a distance filter; applied together with `distance_m`."""

    field_class = PointFormField

    def filter(self, qs, value):
        """Applied by `DistanceFilterSetMixin.filter_queryset`."""
        return qs


class AreaCodeFilter(django_filters.CharFilter):
    """Records in an area of any level, by Kemendagri code; `method` decides how."""

    field_class = AreaCodeFormField


class SearchFilter(django_filters.CharFilter):
    """Case-insensitive text search over several fields."""

    def __init__(self, *args, search_fields=(), **kwargs):
        self.search_fields = search_fields
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        """Rows where any of the fields contains the text."""
        value = (value or "").strip()
        if not value:
            return qs
        query = Q()
        for name in self.search_fields:
            query |= Q(**{f"{name}__icontains": value})
        return qs.filter(query)


class DistanceFilterSetMixin(django_filters.FilterSet):
    """Adds `in_bbox`, and `point` + `distance_m` (metres, on the spheroid).

    Subclasses set `geometry_field` to the name of the geometry column.
    """

    geometry_field = "geom"

    point = PointFilter(
        help_text="Centre of a distance filter, `lon,lat` in WGS 84 (use with `distance_m`), "
        "e.g. `112.434,-7.472`.",
    )
    distance_m = django_filters.NumberFilter(
        method="filter_distance_placeholder",
        help_text=(
            "Keep features within this many metres of `point` (geodesic distance, "
            f"0 < distance_m <= {int(MAX_DISTANCE_M)})."
        ),
    )

    def filter_distance_placeholder(self, queryset, name, value):
        """Applied in `filter_queryset`, where `point` is known too."""
        return queryset

    def filter_queryset(self, queryset):
        """Apply the declared filters, then the distance filter."""
        queryset = super().filter_queryset(queryset)
        point = self.form.cleaned_data.get("point")
        metres = self.form.cleaned_data.get("distance_m")
        if point is None and metres is None:
            return queryset
        if point is None or metres is None:
            raise ApiValidationError(
                {"distance_m": [_("Filter jarak memerlukan `point` dan `distance_m` bersama.")]}
            )
        if not 0 < metres <= MAX_DISTANCE_M:
            raise ApiValidationError(
                {
                    "distance_m": [
                        _("distance_m harus lebih dari 0 dan paling banyak %(max)d meter.")
                        % {"max": MAX_DISTANCE_M}
                    ]
                }
            )
        return within_metres(queryset, self.geometry_field, point, float(metres))


def bbox_filter(field_name: str = "geom") -> BBoxFilter:
    """The `in_bbox` filter on a geometry column."""
    return BBoxFilter(
        field_name=field_name,
        help_text=(
            "Keep features intersecting the box `min_lon,min_lat,max_lon,max_lat` (WGS 84), "
            "e.g. `112.42,-7.48,112.45,-7.46`."
        ),
    )
