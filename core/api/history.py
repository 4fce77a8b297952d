"""Change history of registry records and areas in the API (django-simple-history).

`GET /api/<layer>/<id>/history/` lists every recorded change of one record, newest first:
when, who, the kind (`+` created, `~` changed, `-` deleted) and, for changes, each field's
old and new value. The history outlives the record: a deleted record's history is still
served. Only users who may read internal fields (editors, assessors, admins: the model's
`view` permission) see it; anonymous clients get 401, other users 403.
"""

import json

from django.contrib.gis.geos import GEOSGeometry
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from core.permissions import can_see_internal

#: Fields that change on every save, or are bookkeeping: never listed as changes.
NOT_DIFFED = ("last_updated",)
#: Geometries with more vertices than this are summarised instead of listed in a diff.
MAX_DIFF_COORDINATES = 500


class CanReadHistory(BasePermission):
    """Users with the `view` permission of the viewset's model (editors, assessors, admins)."""

    message = _("Riwayat perubahan hanya untuk editor, asesor dan admin.")

    def has_permission(self, request, view):
        return can_see_internal(request.user, view.queryset.model)


def json_value(value):
    """A field value as JSON: geometries as GeoJSON (summarised when large)."""
    if isinstance(value, GEOSGeometry):
        if value.num_coords > MAX_DIFF_COORDINATES:
            return {"type": value.geom_type, "coordinates": None, "num_coords": value.num_coords}
        return json.loads(value.geojson)
    return value


class FieldChangeSerializer(serializers.Serializer):
    """One field's old and new value."""

    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer):
    """One recorded change of a record."""

    history_id = serializers.IntegerField()
    date = serializers.DateTimeField()
    user = serializers.CharField(allow_blank=True, help_text="User name, empty if unknown.")
    type = serializers.ChoiceField(
        choices=[("+", "created"), ("~", "changed"), ("-", "deleted")],
        help_text="`+` created, `~` changed, `-` deleted.",
    )
    reason = serializers.CharField(allow_null=True)
    changes = FieldChangeSerializer(many=True)


def field_changes(old, new) -> list[dict]:
    """Fields whose value differs between two historical rows, by name.

    Every tracked field is compared, derived ones too (the area a point falls in, a length),
    which `diff_against` skips because they are not editable in forms.
    """
    changes = []
    for field in sorted(old.tracked_fields, key=lambda f: f.name):
        if field.name in NOT_DIFFED:
            continue
        before, after = getattr(old, field.attname), getattr(new, field.attname)
        if before != after:
            changes.append(
                {"field": field.name, "old": json_value(before), "new": json_value(after)}
            )
    return changes


def history_entries(records) -> list[dict]:
    """Entries of `records` (one record's history, oldest first), newest first."""
    entries, previous = [], None
    for record in records:
        changes = []
        if previous is not None and record.history_type == "~":
            changes = field_changes(previous, record)
        user = record.history_user
        entries.append({
            "history_id": record.history_id,
            "date": record.history_date,
            "user": user.get_username() if user else "",
            "type": record.history_type,
            "reason": record.history_change_reason,
            "changes": changes,
        })
        previous = record
    entries.reverse()
    return entries


class HistoryMixin:
    """Viewset mixin adding the `history` action; `history_key` is the field of the
    historical model that identifies the record (the lookup field of the URL)."""

    history_key = "id"

    @extend_schema(responses=HistoryEntrySerializer(many=True), summary="Change history")
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None,
            permission_classes=[CanReadHistory])
    def history(self, request, **kwargs):
        """Every recorded change of the record, newest first (also after its deletion)."""
        lookup = self.lookup_url_kwarg or self.lookup_field
        value = kwargs[lookup]
        if self.history_key == "id" and not str(value).isdigit():
            raise Http404
        records = (
            self.queryset.model.history.filter(**{self.history_key: value})
            .select_related("history_user")
            .order_by("history_date", "history_id")
        )
        entries = history_entries(records)
        if not entries:
            raise Http404
        return Response(HistoryEntrySerializer(entries, many=True).data)
