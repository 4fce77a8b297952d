"""Serializers of administrative areas and their summaries.

Output is RFC 7946 GeoJSON: WGS 84 longitude/latitude, no `crs` member, coordinates rounded
to 7 decimals (about 1 cm).
"""


from django.contrib.gis.geos import MultiPolygon
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.settings import api_settings
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from core.api.fields import PrecisionGeometryField
from core.choices import AreaKind, AreaLevel
from core.codes import normalize_code
from geo.models import AdminArea
from geo.services import AreaLoadError, AssetsOutsideAreas, save_area
from geo.services.validate import editor_area_errors


class AdminAreaSerializer(GeoFeatureModelSerializer):
    """An administrative area as a GeoJSON Feature whose id is its Kemendagri code.

    Editors write it: `code` is given on creation only, `level`, `kind`, `parent` and
    `area_m2` follow from the code and the boundary. Writes go through `save_area`, so they
    are checked, dissolved into derived parents and recorded exactly as by `load_areas`.
    """

    code = serializers.CharField(
        max_length=13,
        help_text="Kemendagri code, dotted or plain digits (`35.76.01.1003`, `3576011003`); "
                  "given on creation, it cannot change.",
    )
    geom = PrecisionGeometryField(
        help_text="GeoJSON Polygon or MultiPolygon, WGS 84 longitude/latitude."
    )
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
        read_only_fields = ["level", "kind", "parent", "area_m2", "geom_repaired",
                            "last_updated"]

    #: Fields a write sets, with their value when neither the request nor the area has one.
    WRITABLE = {"code": None, "name": None, "geom": None, "population": None,
                "population_year": None, "population_source": "", "source": ""}

    def get_fields(self):
        """All fields; `code` is required on creation only."""
        fields = super().get_fields()
        if self.instance is not None:
            fields["code"].required = False
        return fields

    def validate_code(self, value):
        """A well-formed code, new on creation, unchanged on update."""
        try:
            code = normalize_code(value)
        except ValueError:
            raise serializers.ValidationError(
                _("%(value)s bukan kode wilayah Kemendagri (mis. 35.76 atau 35.76.01.1003).")
                % {"value": value}
            ) from None
        if self.instance is not None and code != self.instance.code:
            raise serializers.ValidationError(
                _("Kode wilayah tidak dapat diubah (%(old)s menjadi %(new)s). Buat wilayah "
                  "baru dengan kode %(new)s, lalu hapus wilayah ini bila perlu.")
                % {"old": self.instance.code, "new": code}
            )
        if self.instance is None and AdminArea.objects.filter(code=code).exists():
            raise serializers.ValidationError(
                _("Wilayah dengan kode %(code)s sudah ada; ubah dengan PUT atau PATCH "
                  "/api/areas/%(code)s/.") % {"code": code}
            )
        return code

    def validate_geom(self, value):
        """A valid, non-empty (Multi)Polygon in longitude/latitude, as a MultiPolygon."""
        if value.geom_type not in ("Polygon", "MultiPolygon"):
            raise serializers.ValidationError(
                _("Batas wilayah harus berupa Polygon atau MultiPolygon, bukan %(type)s.")
                % {"type": value.geom_type}
            )
        if value.empty:
            raise serializers.ValidationError(_("Batas wilayah tidak boleh kosong."))
        min_x, min_y, max_x, max_y = value.extent
        if not (-180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90):
            raise serializers.ValidationError(
                _("Koordinat harus berupa bujur dan lintang WGS 84 (EPSG:4326).")
            )
        if not value.valid:
            raise serializers.ValidationError(
                _("Geometri tidak valid: %(reason)s.") % {"reason": value.valid_reason}
            )
        if value.geom_type == "Polygon":
            value = MultiPolygon(value, srid=4326)
        return value

    def validate(self, attrs):
        """Complete the request with the area's current values and check them together."""
        values = {
            name: attrs.get(name, getattr(self.instance, name, default))
            for name, default in self.WRITABLE.items()
        }
        errors = editor_area_errors(
            values, sets_dissolved_data=self._changes_derived_data(values))
        if errors:
            raise serializers.ValidationError(
                {name: [message] for name, message in errors.items()})
        return values

    def _changes_derived_data(self, values) -> bool:
        """Whether a write would set what a dissolve computes (boundary, population)."""
        area = self.instance
        if area is None:
            return True
        # GeoJSON coordinates are rounded to 7 decimals: a boundary sent back unchanged is
        # within 1e-7 degrees of the stored one.
        return not values["geom"].equals_exact(area.geom, tolerance=1e-7) or any(
            values[name] != getattr(area, name)
            for name in ("population", "population_year", "population_source")
        )

    def create(self, validated_data):
        """Create the area with `save_area`."""
        return self._save(validated_data)

    def update(self, instance, validated_data):
        """Update the area with `save_area`."""
        return self._save({**validated_data, "code": instance.code})

    def _save(self, values) -> AdminArea:
        """`save_area`, its refusals as 400s (assets left outside: under `geom`)."""
        user = getattr(self.context.get("request"), "user", None)
        try:
            return save_area(**values, user=user if user and user.is_authenticated else None)
        except AssetsOutsideAreas as exc:
            raise serializers.ValidationError({"geom": exc.errors}) from exc
        except AreaLoadError as exc:
            raise serializers.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: exc.errors}
            ) from exc


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
