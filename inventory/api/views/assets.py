"""Views of the registry API: thin viewsets, and the nearest-free-wifi query."""

from django.contrib.gis.geos import Point
from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.fields import SkipField
from rest_framework.response import Response

from core.api.concurrency import IF_MATCH, ConcurrencyMixin, InUse
from core.api.history import HistoryMixin
from core.api.known_at import KNOWN_AT_PARAMETER, KnownAtMixin
from core.api.pagination import FeaturePagination
from core.permissions import can_see_internal
from inventory.api.serializers.assets import (
    FacilitySerializer,
    FiberLinkSerializer,
    FiberNodeSerializer,
    HotspotSerializer,
    NearestHotspotSerializer,
)
from inventory.choices import HotspotStatus
from inventory.filtersets import (
    FacilityFilterSet,
    FiberLinkFilterSet,
    FiberNodeFilterSet,
    HotspotFilterSet,
)
from inventory.models import Facility, FiberLink, FiberNode, Hotspot
from inventory.querysets import nearest_free_hotspots

MAX_NEAREST = 50


@extend_schema_view(
    list=extend_schema(parameters=[KNOWN_AT_PARAMETER]),
    update=extend_schema(parameters=[IF_MATCH]),
    partial_update=extend_schema(parameters=[IF_MATCH]),
    destroy=extend_schema(parameters=[IF_MATCH]),
)
class RegistryViewSet(KnownAtMixin, HistoryMixin, ConcurrencyMixin, viewsets.ModelViewSet):
    """Base of the registry viewsets: GeoJSON pages, and who sees internal fields.

    Reads carry an ETag; writes need `If-Match` (see `concurrency`), `?known_at=` reads the
    layer as recorded then, and `<id>/history/` lists a record's changes (see `history`).
    """

    pagination_class = FeaturePagination

    def get_serializer_context(self):
        """Tell the serializer whether the requester may read internal fields."""
        context = super().get_serializer_context()
        user = getattr(self.request, "user", None)
        context["internal"] = can_see_internal(user, self.queryset.model)
        return context

    def perform_destroy(self, instance):
        """Delete, or answer 409 naming the records that still use this one."""
        instance._history_user = self.request.user
        try:
            instance.delete()
        except ProtectedError as exc:
            users = sorted(str(obj) for obj in exc.protected_objects)
            raise InUse(
                _("Tidak dapat dihapus karena masih dipakai oleh: %(names)s.")
                % {"names": ", ".join(users)}
            ) from exc


def _coordinate(limit: int, english: str, missing, out_of_range) -> serializers.FloatField:
    """A required coordinate parameter with clear (lazily translated) messages."""
    return serializers.FloatField(
        min_value=-limit,
        max_value=limit,
        help_text=f"{english} of the point in WGS 84 degrees (-{limit} to {limit}); required.",
        error_messages={
            "required": missing,
            "null": missing,
            "invalid": missing,
            "min_value": out_of_range,
            "max_value": out_of_range,
        },
    )


class NearestQuerySerializer(serializers.Serializer):
    """Query parameters of the nearest-hotspot search."""

    lat = _coordinate(
        90,
        "Latitude",
        _("Parameter lat wajib berupa angka: lintang WGS 84 dalam derajat (-90 sampai 90)."),
        _("lat harus antara -90 dan 90 derajat."),
    )
    lon = _coordinate(
        180,
        "Longitude",
        _("Parameter lon wajib berupa angka: bujur WGS 84 dalam derajat (-180 sampai 180)."),
        _("lon harus antara -180 dan 180 derajat."),
    )
    limit = serializers.IntegerField(
        required=False,
        default=5,
        min_value=1,
        max_value=MAX_NEAREST,
        help_text=f"How many hotspots to return (1 to {MAX_NEAREST}, default 5).",
    )
    status = serializers.ChoiceField(
        choices=HotspotStatus.choices,
        required=False,
        help_text="Editors only: free hotspots in service with this status in effect "
                  "(default: working hotspots).",
    )


_NEAREST_QUERY_FIELDS = NearestQuerySerializer().fields


def parse_nearest_query(query_params) -> dict:
    """Validate the query with `NearestQuerySerializer`'s fields, built once.

    Same rules and messages as `NearestQuerySerializer(data=...).is_valid()`, without
    building (deep-copying) the fields on every request of this hot endpoint.
    """
    values, errors = {}, {}
    for name, field in _NEAREST_QUERY_FIELDS.items():
        try:
            values[name] = field.run_validation(field.get_value(query_params))
        except serializers.ValidationError as exc:
            errors[name] = exc.detail
        except SkipField:
            continue
    if errors:
        raise serializers.ValidationError(errors)
    return values


class HotspotViewSet(RegistryViewSet):
    """Free-wifi hotspots as GeoJSON; editors create, change and delete them."""

    queryset = Hotspot.objects.select_related("area").defer("area__geom")
    serializer_class = HotspotSerializer
    filterset_class = HotspotFilterSet

    @extend_schema(
        parameters=[NearestQuerySerializer],
        responses=NearestHotspotSerializer(many=True),
        summary="Nearest working free hotspots",
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def nearest(self, request):
        """The working hotspots nearest to a point, with their distance in metres.

        Working: `HotspotQuerySet.working` (never planned, down or decommissioned). Editors
        may ask for another status with `status`. Uses the GiST index (`<->`), ranks by
        geodesic distance, and ignores area borders.
        """
        params = parse_nearest_query(request.query_params)
        if params.get("status") and not request.user.has_perm("inventory.change_hotspot"):
            raise PermissionDenied(_("Filter status hanya untuk editor; tanpa filter, hasilnya "
                                     "hotspot yang berfungsi."))
        point = Point(params["lon"], params["lat"], srid=4326)
        found = nearest_free_hotspots(point, params["limit"], params.get("status"))
        return Response(NearestHotspotSerializer(found, many=True).data)


class FacilityViewSet(RegistryViewSet):
    """Public-service facilities as GeoJSON; editors create, change and delete them."""

    queryset = Facility.objects.select_related("area").defer("area__geom")
    serializer_class = FacilitySerializer
    filterset_class = FacilityFilterSet


class FiberNodeViewSet(RegistryViewSet):
    """Fiber nodes as GeoJSON; editors create, change and delete them."""

    queryset = FiberNode.objects.select_related("area").defer("area__geom")
    serializer_class = FiberNodeSerializer
    filterset_class = FiberNodeFilterSet


class FiberLinkViewSet(RegistryViewSet):
    """Fiber links as GeoJSON; core count and capacity of sensitive links are not public."""

    queryset = FiberLink.objects.all()
    serializer_class = FiberLinkSerializer
    filterset_class = FiberLinkFilterSet
