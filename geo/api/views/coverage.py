"""Coverage API: live coverage, stored runs, per-area results, white zones, facility
access, what-if.

Without `as_of` the figures are live coverage (today, current with every registry change).
With `as_of` they come from the snapshot run made for that date; a GET never makes one
(404 names how: `compute_coverage` or `POST /api/coverage/runs/` with the permission).
"""

import datetime

import geopandas as gpd
import shapely
from django.utils import timezone
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
from geo.coverage.live import live_run
from geo.coverage.services import CoverageError, latest_run, what_if
from geo.models import CoverageRun
from geo.scoring.services import make_snapshot
from geo.services import LEVEL_NAMES

AS_OF = OpenApiParameter("as_of", OpenApiTypes.DATE, description="Date YYYY-MM-DD of a stored "
                         "snapshot run (default: live coverage of today; a date without a "
                         "run is 404, a future date 400)")
AREA = OpenApiParameter("area", OpenApiTypes.STR, description="Only this area code and below")
LEVEL = OpenApiParameter("level", OpenApiTypes.STR, enum=sorted(LEVEL_NAMES),
                         description="Only areas of this level")


def check_not_future(as_of: datetime.date | None) -> None:
    """400 for a date after today: no run, stored or live, can hold the future."""
    if as_of is not None and as_of > timezone.localdate():
        raise ValidationError({"as_of": _("Tanggal %(date)s setelah hari ini; pilih hari ini "
                                          "atau tanggal lampau.") % {"date": as_of}})


def parse_as_of(request) -> datetime.date | None:
    """The request's `as_of` date (None without one); 400 if malformed or in the future."""
    raw = request.query_params.get("as_of")
    if not raw:
        return None
    try:
        as_of = datetime.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({"as_of": _("Tanggal harus berformat YYYY-MM-DD.")}) from None
    check_not_future(as_of)
    return as_of


def run_for_request(request) -> CoverageRun:
    """The run a GET asks for: live coverage without `as_of` (or for today when no snapshot
    of today exists), else the snapshot of that date; 404 when there is none."""
    as_of = parse_as_of(request)
    run = latest_run(as_of) if as_of is not None else None
    if run is None and as_of in (None, timezone.localdate()):
        run = live_run()
        if run is None:
            raise NotFound(_("Belum ada cakupan: muat wilayah desa/kelurahan terlebih dahulu."))
    if run is None:
        raise NotFound(_("Belum ada analisis cakupan per %(date)s. Buat dengan compute_coverage "
                         "--as-of %(date)s atau POST /api/coverage/runs/.") % {"date": as_of})
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


class MakeRunPermission(permissions.BasePermission):
    """Anyone lists runs; making one (POST) needs `geo.add_coveragerun`."""

    def has_permission(self, request, view):
        return (request.method in permissions.SAFE_METHODS
                or request.user.has_perm("geo.add_coveragerun"))


class MakeRunSerializer(serializers.Serializer):
    """What a POST asks for: the date of the snapshot (default today)."""

    as_of = serializers.DateField(required=False)

    def validate_as_of(self, value):
        check_not_future(value)
        return value


@extend_schema(methods=["POST"], request=MakeRunSerializer,
               responses={201: CoverageRunSerializer})
class RunList(generics.ListAPIView):
    """Stored coverage runs, newest first; POST makes a snapshot for a date (permission)."""

    queryset = CoverageRun.objects.select_related("scope")
    serializer_class = CoverageRunSerializer
    permission_classes = [MakeRunPermission]
    filter_backends = []

    def post(self, request):
        """Make and store a snapshot run of all areas as of `as_of` (default today), with its
        scores (`make_snapshot`)."""
        data = MakeRunSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            run = make_snapshot(data.validated_data.get("as_of"))
        except CoverageError as exc:
            raise ValidationError({"as_of": str(exc)}) from None
        return Response(CoverageRunSerializer(run).data, status=status.HTTP_201_CREATED)


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

