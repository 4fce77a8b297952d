"""Serializers of stored coverage runs (API, command output, evidence)."""

from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from geo.models import AreaCoverage, CoverageRun, FacilityAccess, WhiteZone


class CoverageRunSerializer(serializers.ModelSerializer):
    """A run's metadata: date, parameters, inputs, reproducibility fields, fiber findings."""

    scope = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True,
        help_text="Code of the area analysed; null when every loaded area was analysed.",
    )

    class Meta:
        model = CoverageRun
        fields = ["id", "created", "as_of", "is_live", "scope", "parameters", "input_counts",
                  "data_hash",
                  "code_version", "duration_s", "fiber"]


class AreaCoverageSerializer(serializers.ModelSerializer):
    """One area's figures in a run."""

    code = serializers.CharField(source="area.code")
    name = serializers.CharField(source="area.name")
    parent = serializers.CharField(source="area.parent.code", default=None, allow_null=True)

    class Meta:
        model = AreaCoverage
        fields = ["code", "name", "parent", "level", "area_m2", "covered_m2", "covered_pct",
                  "population", "covered_population", "covered_population_pct",
                  "hotspots_total", "hotspots_active", "hotspots_down",
                  "hotspots_install_unknown", "hotspots_per_km2",
                  "hotspots_per_10k", "leaf_count", "leaves_with_hotspot", "facilities",
                  "fiber_route_m", "fiber_m_per_km2"]


class WhiteZoneSerializer(GeoFeatureModelSerializer):
    """An uncovered polygon as a GeoJSON feature."""

    area_code = serializers.CharField(source="area.code")
    area_name = serializers.CharField(source="area.name")

    class Meta:
        model = WhiteZone
        geo_field = "geom"
        fields = ["id", "rank", "area_code", "area_name", "area_m2", "population"]


class FacilityAccessSerializer(serializers.ModelSerializer):
    """A facility's wifi and fiber access in a run."""

    name = serializers.CharField(source="facility.name")
    facility_type = serializers.CharField(source="facility.facility_type")
    is_government_office = serializers.BooleanField(source="facility.is_government_office")
    area_code = serializers.CharField(source="facility.area.code")

    class Meta:
        model = FacilityAccess
        fields = ["facility", "name", "facility_type", "is_government_office", "area_code",
                  "nearest_hotspot", "nearest_hotspot_m", "in_coverage", "connected",
                  "reaches_data_centre", "redundant"]


class CandidateSerializer(serializers.Serializer):
    """A candidate hotspot site for a what-if question."""

    id = serializers.CharField(required=False)
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lon = serializers.FloatField(min_value=-180, max_value=180)
    radius_m = serializers.FloatField(min_value=1, max_value=5000, default=100)


class WhatIfSerializer(serializers.Serializer):
    """Candidates, and optionally how many of them to pick greedily."""

    candidates = CandidateSerializer(many=True, allow_empty=False, max_length=5000)
    pick = serializers.IntegerField(min_value=1, required=False)
    objective = serializers.ChoiceField(choices=["population", "area"], default="population")
    as_of = serializers.DateField(required=False)


def run_as_dict(run: CoverageRun) -> dict:
    """A run with all its per-area results, as plain JSON-ready data."""
    areas = run.areas.select_related("area__parent").order_by("area__code")
    return {
        "run": CoverageRunSerializer(run).data,
        "areas": AreaCoverageSerializer(areas, many=True).data,
        "white_zones": [
            {"rank": z.rank, "area_code": z.area.code, "area_m2": z.area_m2,
             "population": z.population}
            for z in run.white_zones.select_related("area")
        ],
    }
