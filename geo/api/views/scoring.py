"""API of scores, claims and evidence packs.

GETs read stored runs and never make one: a date without a stored run answers 404 naming
how to make it (`compute_scores`, or `POST /api/scores/runs/` with the permission). Claims:
anyone reads, assessors (model permissions) register and edit.
"""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from geo.api.serializers.scoring import (
    AsOfQuery,
    ClaimSerializer,
    CompareQuery,
    EvidenceQuery,
    MethodologyQuery,
    ScoreQuery,
)
from geo.coverage.services import CoverageError
from geo.models import Claim, ScoreRun
from geo.scoring.claims import verify_claim
from geo.scoring.evidence import build_pack
from geo.scoring.methodology import available, load_methodology
from geo.scoring.services import (
    ScoringError,
    area_results,
    compare_runs,
    coverage_run_for,
    run_summary,
    score_run_for,
)
from geo.services import LEVEL_NAMES

from .coverage import check_not_future


def _score_run(request, as_of, methodology) -> ScoreRun:
    check_not_future(as_of)
    run = score_run_for(as_of, methodology=methodology)
    if run is None:
        if as_of is None:
            raise NotFound(_("Belum ada skor tersimpan. Buat dengan compute_scores atau "
                             "POST /api/scores/runs/."))
        raise NotFound(_("Belum ada skor tersimpan per %(date)s untuk metodologi ini. Buat "
                         "dengan compute_scores --as-of %(date)s atau POST /api/scores/runs/.")
                       % {"date": as_of})
    return run


def _level(query) -> int | None:
    level = query.validated_data.get("level")
    return int(LEVEL_NAMES[level]) if level else None


@extend_schema(parameters=[ScoreQuery], responses=OpenApiTypes.OBJECT)
class ScoreList(APIView):
    """Scores of every area (or one level / subtree) for a date, each with its explanation."""

    permission_classes = [permissions.AllowAny]

    def get(self, request):
        """`{"run": …, "results": [{code, name, level, dimensions: {id: {score, indicators}}}]}`."""
        query = ScoreQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        run = _score_run(request, query.validated_data.get("as_of"), query.get_methodology())
        results = area_results(run, level=_level(query),
                               area_code=query.validated_data.get("area"))
        return Response({"run": run_summary(run), "results": results})


class ScoreDetail(APIView):
    """One area's scores for a date, with the explanation of every indicator."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[ScoreQuery, OpenApiParameter(
        "code", OpenApiTypes.STR, OpenApiParameter.PATH, description="Area code, e.g. 35.76.01")],
        responses=OpenApiTypes.OBJECT, operation_id="scores_area_retrieve")
    def get(self, request, code):
        """`{"run": …, "area": {code, name, level, dimensions}}`."""
        query = ScoreQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        run = _score_run(request, query.validated_data.get("as_of"), query.get_methodology())
        entries = [e for e in area_results(run, area_code=code) if e["code"] == code]
        if not entries:
            raise NotFound(_("Tidak ada skor untuk wilayah %(code)s.") % {"code": code})
        return Response({"run": run_summary(run), "area": entries[0]})


@extend_schema(parameters=[
    OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="Earlier date"),
    OpenApiParameter("to", OpenApiTypes.DATE, required=True, description="Later date"),
    OpenApiParameter("level", OpenApiTypes.STR, enum=sorted(LEVEL_NAMES),
                     description="Only areas of this level"),
    OpenApiParameter("area", OpenApiTypes.STR, description="Only this area code and below"),
    OpenApiParameter("methodology", OpenApiTypes.STR, enum=available(),
                     description="Bundled methodology name")],
    responses=OpenApiTypes.OBJECT)
class ScoreCompare(APIView):
    """What changed in each indicator between two dates, and why (inputs and registry)."""

    permission_classes = [permissions.AllowAny]

    def get(self, request):
        """Per area and dimension: scores, indicator values, deltas and changed inputs."""
        query = CompareQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        methodology = query.get_methodology()
        before = _score_run(request, query.validated_data["date_from"], methodology)
        after = _score_run(request, query.validated_data["date_to"], methodology)
        comparison = compare_runs(before, after, area_code=query.validated_data.get("area"),
                                  level=_level(query))
        return Response(comparison.as_dict())


LIST_OF_OBJECTS = {"type": "array", "items": {"type": "object", "additionalProperties": {}}}


class MakeScoresQuery(MethodologyQuery):
    """What a POST asks to score: a date (default today) and a methodology."""

    as_of = serializers.DateField(required=False)


class MakeScoresPermission(permissions.BasePermission):
    """Anyone lists score runs; making one (POST) needs `geo.add_scorerun`."""

    def has_permission(self, request, view):
        return (request.method in permissions.SAFE_METHODS
                or request.user.has_perm("geo.add_scorerun"))


@extend_schema(methods=["GET"], responses={200: LIST_OF_OBJECTS})
class ScoreRunList(APIView):
    """Stored score runs, newest first (metadata only); POST scores a date (permission)."""

    permission_classes = [MakeScoresPermission]

    def get(self, request):
        """The 100 newest score runs."""
        runs = ScoreRun.objects.order_by("-created")[:100]
        return Response([run_summary(run) for run in runs])

    @extend_schema(request=MakeScoresQuery, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        """Score the snapshot run of `as_of` (made first if missing) under `methodology`."""
        query = MakeScoresQuery(data=request.data)
        query.is_valid(raise_exception=True)
        as_of = query.validated_data.get("as_of")
        check_not_future(as_of)
        try:
            run = score_run_for(as_of or timezone.localdate(),
                                methodology=query.get_methodology(), compute_missing=True)
        except (CoverageError, ScoringError) as exc:
            raise ValidationError({"as_of": str(exc)}) from None
        return Response(run_summary(run), status=201)


@extend_schema(responses={200: LIST_OF_OBJECTS})
class MethodologyList(APIView):
    """The bundled methodologies with their version, hash and full content."""

    permission_classes = [permissions.AllowAny]

    def get(self, request):
        """Every methodology file in geo/scoring/methodologies/."""
        result = []
        for name in available():
            methodology = load_methodology(name)
            result.append({"name": name, "id": methodology.id, "version": methodology.version,
                           "sha256": methodology.sha256, "content": methodology.data})
        return Response(result)


class ClaimViewSet(viewsets.ModelViewSet):
    """Claims to check. Anyone reads; assessors register, edit and delete them."""

    queryset = Claim.objects.select_related("area").order_by("refers_to", "pk")
    serializer_class = ClaimSerializer
    filter_backends = []

    @extend_schema(parameters=[AsOfQuery], responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"], pagination_class=None)
    def verification(self, request, pk=None):
        """Verdict (supported / partly / not supported), measured value and evidence."""
        claim = self.get_object()
        query = AsOfQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        as_of = query.validated_data.get("as_of") or claim.refers_to
        check_not_future(as_of)
        run = coverage_run_for(as_of)
        if run is None and claim.metric != "hotspots_installed":
            raise NotFound(_("Belum ada analisis cakupan per %(date)s.") % {"date": as_of})
        return Response(verify_claim(claim, as_of, coverage_run=run,
                                     compute_missing=False).as_dict())


@extend_schema(parameters=[EvidenceQuery],
               responses={(200, "application/zip"): OpenApiTypes.BINARY})
class EvidencePackView(APIView):
    """The evidence pack for a date as a zip (report, data, manifest with hashes)."""

    permission_classes = [permissions.AllowAny]

    def get(self, request):
        """Download `simpul-evidence-<methodology>-<date>.zip`."""
        query = EvidenceQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        methodology = query.get_methodology()
        as_of = query.validated_data.get("as_of")
        compare_with = query.validated_data.get("compare_with")
        for date in (as_of, compare_with):
            if date is not None:
                _score_run(request, date, methodology)
        if as_of is None:
            as_of = _score_run(request, None, methodology).as_of
        pack = build_pack(as_of, methodology=methodology, compare_with=compare_with)
        response = HttpResponse(pack.zip_bytes(), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{pack.filename}"'
        return response
