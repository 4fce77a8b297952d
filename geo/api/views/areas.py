"""Views of the geo API: areas (editors write them) and their per-layer summaries."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.concurrency import IF_MATCH, ConcurrencyMixin, InUse
from core.api.history import HistoryMixin
from core.api.pagination import FeaturePagination
from core.codes import CODE_PATTERN
from geo.api.serializers.areas import (
    AdminAreaSerializer,
    AreaSummarySerializer,
    AsOfQuerySerializer,
)
from geo.filtersets import AdminAreaFilterSet
from geo.models import AdminArea
from geo.services import AreaInUse, area_summary, delete_area

CODE_PARAMETER = OpenApiParameter(
    "code",
    str,
    OpenApiParameter.PATH,
    description="Kemendagri code of the area, dotted, e.g. `35.76.01.1003`.",
)


@extend_schema_view(
    retrieve=extend_schema(parameters=[CODE_PARAMETER]),
    history=extend_schema(parameters=[CODE_PARAMETER]),
    update=extend_schema(parameters=[CODE_PARAMETER, IF_MATCH]),
    partial_update=extend_schema(parameters=[CODE_PARAMETER, IF_MATCH]),
    destroy=extend_schema(parameters=[CODE_PARAMETER, IF_MATCH]),
)
class AdminAreaViewSet(HistoryMixin, ConcurrencyMixin, viewsets.ModelViewSet):
    """Administrative areas (provinsi to desa/kelurahan) as GeoJSON, looked up by code.

    Editors create, change and delete areas (ETag/If-Match as the registry). Writes work
    like `manage.py load_areas`: parents are created and dissolved, and hotspots,
    facilities and fiber nodes move to the desa/kelurahan that covers them. A delete is
    refused (409) while anything still depends on the area.
    """

    queryset = AdminArea.objects.select_related("parent").defer("parent__geom")
    serializer_class = AdminAreaSerializer
    filterset_class = AdminAreaFilterSet
    pagination_class = FeaturePagination
    lookup_field = "code"
    lookup_value_regex = CODE_PATTERN.strip("^$")
    history_key = "code"

    def perform_destroy(self, instance):
        """Delete with `delete_area`, or answer 409 naming what still depends on the area."""
        try:
            delete_area(instance, user=self.request.user)
        except AreaInUse as exc:
            raise InUse(str(exc)) from exc

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
