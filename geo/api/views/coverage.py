"""Coverage API: stored runs, per-area results, white zones, facility access, what-if.

Reads come from stored runs. When no run exists for the requested date, signed-in users
(editors, assessors) get one computed and stored; anonymous users get 404 with a hint.
"""

import datetime

import geopandas as gpd
import shapely
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.pagination import FeaturePagination
from geo.api.serializers.coverage import (
    AreaCoverageSerializer,
    CoverageRunSerializer,
    FacilityAccessSerializer,
    WhatIfSerializer,
    WhiteZoneSerializer,
)
from geo.coverage.services import compute_coverage, latest_run, what_if
from geo.models import CoverageRun
from geo.services import LEVEL_NAMES

AS_OF = OpenApiParameter("as_of", OpenApiTypes.DATE, description="Date YYYY-MM-DD (default: "
                         "the newest run; a date without a run is computed for signed-in users)")
AREA = OpenApiParameter("area", OpenApiTypes.STR, description="Only this area code and below")
LEVEL = OpenApiParameter("level", OpenApiTypes.STR, enum=sorted(LEVEL_NAMES),
                         description="Only areas of this level")


def run_for_request(request) -> CoverageRun:
    """The stored run the request asks for (by `as_of`), computing it for signed-in users."""
    raw = request.query_params.get("as_of")
    if not raw:
        run = latest_run()
        if run is None:
            raise NotFound(_("Belum ada analisis cakupan. Jalankan compute_coverage."))
        return run
    try:
        as_of = datetime.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({"as_of": _("Tanggal harus berformat YYYY-MM-DD.")}) from None
    run = latest_run(as_of)
    if run is None:
        if not request.user.is_authenticated:
            raise NotFound(_("Belum ada analisis cakupan per %(date)s.") % {"date": as_of})
        run = compute_coverage(as_of)
    return run


class RunScopedMixin:
    """Shared filtering of a run's rows by `area` code (subtree)."""

    def filter_area(self, queryset, field: str):
        code = self.request.query_params.get("area")
        if code:
            queryset = queryset.filter(**{f"{field}__code": code}) | queryset.filter(
                **{f"{field}__code__startswith": f"{code}."}
            )
        return queryset


@extend_schema(
    parameters=[AS_OF, AREA, LEVEL],
    responses=inline_serializer(
        "AreaCoverageResults",
        {"run": CoverageRunSerializer(), "results": AreaCoverageSerializer(many=True)},
    ),
)
class AreaCoverageList(RunScopedMixin, generics.GenericAPIView):
    """Coverage of every area (any level) in the run for a date, with the run's metadata."""

    serializer_class = AreaCoverageSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        self.run = run_for_request(self.request)
        rows = self.run.areas.select_related("area__parent").order_by("level", "area__code")
        level = self.request.query_params.get("level")
        if level:
            if level.lower() not in LEVEL_NAMES:
                raise ValidationError({"level": _("Tingkat tidak dikenal: %(level)s. Pilihan: "
                                                  "%(choices)s.") % {
                    "level": level, "choices": ", ".join(sorted(LEVEL_NAMES))}})
            rows = rows.filter(level=int(LEVEL_NAMES[level.lower()]))
        return self.filter_area(rows, "area")

    def get(self, request, *args, **kwargs):
        """The run's metadata and the figures of every area it holds."""
        results = self.get_serializer(self.get_queryset(), many=True).data
        return Response({"run": CoverageRunSerializer(self.run).data, "results": results})


@extend_schema(parameters=[AS_OF, AREA])
class WhiteZoneList(RunScopedMixin, generics.ListAPIView):
    """Uncovered areas of the run for a date as GeoJSON, largest first."""

    serializer_class = WhiteZoneSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = FeaturePagination
    filter_backends = []

    def get_queryset(self):
        run = run_for_request(self.request)
        return self.filter_area(run.white_zones.select_related("area"), "area").order_by("rank")


@extend_schema(parameters=[AS_OF, AREA])
class FacilityAccessList(RunScopedMixin, generics.ListAPIView):
    """Each facility's nearest active hotspot, wifi coverage and fiber reach in the run."""

    serializer_class = FacilityAccessSerializer
    permission_classes = [permissions.AllowAny]
    filter_backends = []

    def get_queryset(self):
        run = run_for_request(self.request)
        rows = run.facilities.select_related("facility__area").order_by("facility__name")
        return self.filter_area(rows, "facility__area")


class RunList(generics.ListAPIView):
    """Stored coverage runs, newest first."""

    queryset = CoverageRun.objects.select_related("scope")
    serializer_class = CoverageRunSerializer
    permission_classes = [permissions.AllowAny]
    filter_backends = []


@extend_schema(parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH,
                                             description="Id of the coverage run")])
class RunDetail(generics.RetrieveAPIView):
    """One stored run: parameters, inputs, hash, code version and fiber findings."""

    queryset = CoverageRun.objects.select_related("scope")
    serializer_class = CoverageRunSerializer
    permission_classes = [permissions.AllowAny]


class WhatIfResult(serializers.Serializer):
    """Gain of one candidate (alone, or at its greedy step)."""

    step = serializers.IntegerField(required=False)
    id = serializers.CharField()
    gain_m2 = serializers.FloatField()
    gain_population = serializers.FloatField()
    cumulative_m2 = serializers.FloatField(required=False)
    cumulative_population = serializers.FloatField(required=False)


class WhatIf(APIView):
    """Gain in covered area and people of candidate hotspot sites (signed-in users)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=WhatIfSerializer, responses=WhatIfResult(many=True))
    def post(self, request):
        data = WhatIfSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rows = data.validated_data["candidates"]
        ids = [row.get("id") or str(number) for number, row in enumerate(rows, start=1)]
        candidates = gpd.GeoDataFrame(
            {"id": ids, "radius_m": [row["radius_m"] for row in rows]},
            geometry=[shapely.Point(row["lon"], row["lat"]) for row in rows],
            crs=4326,
        )
        result = what_if(candidates, as_of=data.validated_data.get("as_of"),
                         pick=data.validated_data.get("pick"),
                         objective=data.validated_data["objective"])
        return Response(result.to_dict("records"), status=status.HTTP_200_OK)

