"""The registry as recorded at a past moment: `GET /api/<layer>/?known_at=<datetime>`.

Each record's latest historical row at or before `known_at` (ties broken by history id),
minus records whose latest row is a deletion: the same reading as
`compute_coverage --known-at` (`geo.coverage.services._source`). The rows are the historical
records themselves, so that their desa/kelurahan is joined in the same query; the layer's
serializer renders them like current records. Editors, assessors and admins only.
"""

from django.db.models import Subquery
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from core.permissions import can_see_internal

KNOWN_AT = "known_at"
#: Query parameters that may go with `known_at` (paging and format only).
KNOWN_AT_COMPANIONS = {KNOWN_AT, "page", "page_size", "format"}

KNOWN_AT_PARAMETER = OpenApiParameter(
    KNOWN_AT,
    OpenApiTypes.DATETIME,
    description=(
        "The layer as it was recorded at this moment (ISO 8601, e.g. `2025-01-01T00:00:00`; "
        "without an offset, Asia/Jakarta time), rebuilt from the change history: records "
        "created later are absent, deleted ones present with their values then. Editors, "
        "assessors and admins only (401/403 otherwise); cannot be combined with other filters."
    ),
)

_known_at_field = serializers.DateTimeField(
    error_messages={
        "invalid": _("known_at harus berupa tanggal dan waktu ISO 8601, "
                     "mis. 2025-01-01T00:00:00."),
    }
)


def parse_known_at(query_params):
    """The `known_at` moment (aware), or a 400 naming the problem."""
    others = sorted(set(query_params) - KNOWN_AT_COMPANIONS)
    if others:
        raise serializers.ValidationError({
            KNOWN_AT: [_("known_at tidak dapat digabung dengan filter lain: %(names)s.")
                       % {"names": ", ".join(others)}]
        })
    try:
        return _known_at_field.run_validation(query_params.get(KNOWN_AT))
    except serializers.ValidationError as exc:
        raise serializers.ValidationError({KNOWN_AT: exc.detail}) from exc


def registry_known_at(model, known_at):
    """Historical rows of `model` as recorded at `known_at` (deleted records left out)."""
    latest = (
        model.history.filter(history_date__lte=known_at)
        .order_by("id", "-history_date", "-history_id")
        .distinct("id")
        .values("history_id")
    )
    rows = model.history.filter(history_id__in=Subquery(latest)).exclude(history_type="-")
    if any(field.name == "area" for field in model._meta.fields):
        rows = rows.select_related("area").defer("area__geom")
    return rows.order_by("id")


class KnownAtMixin:
    """Viewset mixin: `list` answers `?known_at=` from the history (internal readers only)."""

    def list(self, request, *args, **kwargs):
        """The current layer, or the layer as recorded at `known_at`."""
        if KNOWN_AT not in request.query_params:
            return super().list(request, *args, **kwargs)
        if not can_see_internal(request.user, self.queryset.model):
            self.permission_denied(
                request, message=_("known_at hanya untuk editor, asesor dan admin.")
            )
        known_at = parse_known_at(request.query_params)
        rows = registry_known_at(self.queryset.model, known_at)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
