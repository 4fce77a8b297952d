"""Serializers of the report API: the public submission, public counts, moderation."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from inventory.choices import ReportKind, ReportStatus
from inventory.models.reports import NOTE_MAX_LENGTH, HotspotReport
from inventory.services import check_submission, moderate


def _drf_error(exc: DjangoValidationError) -> serializers.ValidationError:
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError(exc.message_dict)
    return serializers.ValidationError({"non_field_errors": exc.messages})


# A pattern rather than an enum: drf-spectacular names enums after the property, and areas
# already publish a different `kind` enum (two would collide and warn in `check --deploy`).
@extend_schema_field({"type": "string", "pattern": f"^({'|'.join(ReportKind.values)})$",
                      "description": "One of: " + ", ".join(ReportKind.values) + "."})
class ReportKindField(serializers.ChoiceField):
    """The kind of a report, as a choice field."""

    def __init__(self, **kwargs):
        super().__init__(choices=ReportKind.choices, **kwargs)


class ReportSubmitSerializer(serializers.Serializer):
    """A citizen's report. `website` is a spam trap: leave it out or empty."""

    kind = ReportKindField()
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True,
                                 default="")
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True,
                                 help_text="Reporter's latitude (WGS 84), optional; kept to "
                                           "4 decimals and never published.")
    lon = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True,
                                 help_text="Reporter's longitude (WGS 84), optional.")
    website = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                    write_only=True, help_text="Spam trap: must stay empty.")

    def validate(self, attrs):
        """Apply the rules shared with the page form; keep the location found."""
        try:
            attrs["location"] = check_submission(
                self.context["hotspot"], website=attrs.pop("website", ""),
                lat=attrs.pop("lat", None), lon=attrs.pop("lon", None),
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None
        return attrs


class ReportReceiptSerializer(serializers.Serializer):
    """What the reporter gets back: no echo of what was sent."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ReportStatus.choices)
    message = serializers.CharField()


def _counts(choices):
    return serializers.DictField(child=serializers.IntegerField(),
                                 help_text="Count per value: " + ", ".join(choices.values))


class ReportSummarySerializer(serializers.Serializer):
    """Public report counts of one hotspot (no notes, locations or dates)."""

    hotspot = serializers.IntegerField()
    total = serializers.IntegerField()
    by_status = _counts(ReportStatus)
    by_kind = _counts(ReportKind)
    confirmed_outage = serializers.BooleanField(
        help_text="A confirmed 'not working' report is not resolved yet.")


class ReportModerationSerializer(serializers.ModelSerializer):
    """A report as editors see it; `status` and `moderator_note` are writable."""

    hotspot_name = serializers.CharField(source="hotspot.name", read_only=True)
    kind = ReportKindField(read_only=True)
    lat = serializers.SerializerMethodField()
    lon = serializers.SerializerMethodField()
    moderated_by = serializers.CharField(source="moderated_by.username", read_only=True,
                                         default=None)
    response_time_s = serializers.SerializerMethodField(
        help_text="Seconds from the report to its first moderation.")
    status = serializers.ChoiceField(choices=ReportStatus.choices, required=False)

    class Meta:
        model = HotspotReport
        fields = ["id", "hotspot", "hotspot_name", "kind", "note", "lat", "lon", "distance_m",
                  "status", "moderator_note", "created", "moderated_at", "moderated_by",
                  "response_time_s", "resolved_at"]
        read_only_fields = ["hotspot", "note", "distance_m", "created",
                            "moderated_at", "resolved_at"]

    def get_lat(self, obj) -> float | None:
        return obj.location.y if obj.location else None

    def get_lon(self, obj) -> float | None:
        return obj.location.x if obj.location else None

    def get_response_time_s(self, obj) -> float | None:
        delta = obj.response_time
        return None if delta is None else round(delta.total_seconds(), 1)

    def validate_status(self, value):
        if value == ReportStatus.NEW and self.instance and self.instance.status != value:
            raise serializers.ValidationError(
                _("Laporan yang sudah ditanggapi tidak dapat kembali berstatus baru."))
        return value

    def update(self, instance, validated_data):
        """Moderate through the service, which stamps who and when."""
        try:
            return moderate(instance, self.context["request"].user,
                            status=validated_data.get("status"),
                            moderator_note=validated_data.get("moderator_note"))
        except DjangoValidationError as exc:
            raise _drf_error(exc) from None
