"""Views of the geo API: areas (read-only) and their per-layer summaries."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ..codes import CODE_PATTERN
from ..filtersets import AdminAreaFilterSet
from ..models import AdminArea
from .history import HistoryMixin
from .pagination import FeaturePagination
from .serializers import AdminAreaSerializer, AreaSummarySerializer, AsOfQuerySerializer
from .summary import area_summary

CODE_PARAMETER = OpenApiParameter(
    "code",
    str,
    OpenApiParameter.PATH,
    description="Kemendagri code of the area, dotted, e.g. `35.76.01.1003`.",
)


@extend_schema_view(retrieve=extend_schema(parameters=[CODE_PARAMETER]),
                    history=extend_schema(parameters=[CODE_PARAMETER]))
class AdminAreaViewSet(HistoryMixin, viewsets.ReadOnlyModelViewSet):
    """Administrative areas (provinsi to desa/kelurahan) as GeoJSON, looked up by code.

    Boundaries are written only by `manage.py load_areas`, which checks a whole file and
    rebuilds the parent levels; the API reads them.
    """

    queryset = AdminArea.objects.select_related("parent").defer("parent__geom")
    serializer_class = AdminAreaSerializer
    filterset_class = AdminAreaFilterSet
    pagination_class = FeaturePagination
    lookup_field = "code"
    lookup_value_regex = CODE_PATTERN.strip("^$")
    history_key = "code"

    @extend_schema(
        parameters=[CODE_PARAMETER, AsOfQuerySerializer], responses=AreaSummarySerializer
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def summary(self, request, code=None):
        """Counts per layer for the area and each of its direct children."""
        query = AsOfQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        as_of = query.validated_data.get("as_of") or timezone.localdate()
        area = self.get_object()
        return Response(AreaSummarySerializer(area_summary(area, as_of)).data)
