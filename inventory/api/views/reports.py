"""Report API: public submission and counts per hotspot, moderation queue for editors.

    POST  /api/hotspots/<id>/reports/   anyone; throttled per client and per hotspot
    GET   /api/hotspots/<id>/reports/   anyone; counts only (no notes, locations or dates)
    GET   /api/reports/                 editors and assessors (view permission)
    PATCH /api/reports/<id>/            editors (change permission): status, moderator_note
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.pagination import PagePagination
from inventory.api.serializers.reports import (
    ReportModerationSerializer,
    ReportReceiptSerializer,
    ReportSubmitSerializer,
    ReportSummarySerializer,
)
from inventory.api.throttles import CLIENT_SCOPE, report_throttles
from inventory.filtersets import ReportFilterSet
from inventory.models import Hotspot, HotspotReport
from inventory.services import MAX_BODY_BYTES, body_too_large, public_summary, submit_report


class PayloadTooLarge(exceptions.APIException):
    """413: the request body is larger than a report can be."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


HOTSPOT_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH,
                              description="Id of the hotspot")


@extend_schema_view(get=extend_schema(parameters=[HOTSPOT_ID]),
                    post=extend_schema(parameters=[HOTSPOT_ID]))
class HotspotReportsView(APIView):
    """Citizen reports of one hotspot: send one (POST), or read the public counts (GET)."""

    permission_classes = [permissions.AllowAny]
    throttle_scope = CLIENT_SCOPE

    def get_throttles(self):
        """Reports are limited per client and per hotspot; reading counts as any API read."""
        if self.request.method == "POST":
            return report_throttles()
        return super().get_throttles()

    @extend_schema(responses=ReportSummarySerializer)
    def get(self, request, pk: int):
        """Counts of the hotspot's reports, by status and by kind."""
        hotspot = get_object_or_404(Hotspot, pk=pk)
        return Response(ReportSummarySerializer(public_summary(hotspot)).data)

    @extend_schema(request=ReportSubmitSerializer, responses={201: ReportReceiptSerializer})
    def post(self, request, pk: int):
        """Report a problem with the hotspot. No account needed; nothing personal is kept."""
        if body_too_large(request):
            raise PayloadTooLarge(_("Laporan terlalu besar (maksimal %(kb)d KB).")
                                  % {"kb": MAX_BODY_BYTES // 1024})
        hotspot = get_object_or_404(Hotspot, pk=pk)
        serializer = ReportSubmitSerializer(data=request.data, context={"hotspot": hotspot})
        serializer.is_valid(raise_exception=True)
        report = submit_report(hotspot, **serializer.validated_data)
        receipt = {"id": report.pk, "status": report.status,
                   "message": _("Terima kasih, laporan Anda sudah kami terima.")}
        return Response(ReportReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)


class ModerationPermission(permissions.DjangoModelPermissions):
    """Reading the queue needs the `view` permission, moderating needs `change`."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }


class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """The moderation queue: newest first, filtered by `status`, `kind`, `hotspot`."""

    queryset = HotspotReport.objects.select_related("hotspot", "moderated_by")
    serializer_class = ReportModerationSerializer
    filterset_class = ReportFilterSet
    pagination_class = PagePagination
    permission_classes = [ModerationPermission]
    http_method_names = ["get", "patch", "head", "options"]
