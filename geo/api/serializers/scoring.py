"""Serializers of claims and of the query parameters of the score, claim and evidence API."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from geo.models import AdminArea, Claim
from geo.scoring.claims import check_claim, metric_ids
from geo.scoring.methodology import DEFAULT_METHODOLOGY, available, load_methodology
from geo.services import LEVEL_NAMES


class ClaimSerializer(serializers.ModelSerializer):
    """A claim: its original text and its checkable form (metric, scope, comparator, value)."""

    area = serializers.SlugRelatedField(slug_field="code", queryset=AdminArea.objects.all())
    area_name = serializers.CharField(source="area.name", read_only=True)
    metric = serializers.ChoiceField(choices=metric_ids())
    verification_url = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = ["id", "key", "text", "source", "stated_on", "refers_to", "metric", "params",
                  "scope", "area", "area_name", "comparator", "value", "interpretation",
                  "created", "last_updated", "verification_url"]
        read_only_fields = ["created", "last_updated"]

    def get_verification_url(self, claim) -> str:
        """Where to get the claim's verdict."""
        return f"/api/claims/{claim.pk}/verification/"

    def validate(self, attrs):
        """Refuse a checkable form that cannot be checked (unknown flag, bad scope, …)."""
        current = self.instance
        metric = attrs.get("metric", getattr(current, "metric", None))
        params = attrs.get("params", getattr(current, "params", {}))
        scope = attrs.get("scope", getattr(current, "scope", None))
        area = attrs.get("area", getattr(current, "area", None))
        problems = check_claim(metric, params, scope, area)
        if problems:
            raise serializers.ValidationError({"params": problems})
        return attrs

    def create(self, validated_data):
        """Record who registered the claim."""
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            validated_data["created_by"] = request.user
        return super().create(validated_data)


class MethodologyQuery(serializers.Serializer):
    """`methodology`: a bundled methodology name."""

    methodology = serializers.ChoiceField(choices=available(), default=DEFAULT_METHODOLOGY,
                                          help_text=_("Nama metodologi bawaan."))

    def get_methodology(self):
        """The loaded methodology."""
        return load_methodology(self.validated_data["methodology"])


class ScoreQuery(MethodologyQuery):
    """Query parameters of the score list."""

    as_of = serializers.DateField(required=False, help_text=_(
        "Tanggal YYYY-MM-DD (baku: analisis terbaru)."))
    level = serializers.ChoiceField(choices=sorted(LEVEL_NAMES), required=False,
                                    help_text=_("Hanya wilayah pada tingkat ini."))
    area = serializers.CharField(required=False, help_text=_(
        "Hanya wilayah dengan kode ini dan di bawahnya."))


class CompareQuery(MethodologyQuery):
    """Query parameters of the comparison of two dates."""

    date_from = serializers.DateField()
    date_to = serializers.DateField()
    level = serializers.ChoiceField(choices=sorted(LEVEL_NAMES), required=False)
    area = serializers.CharField(required=False)

    def to_internal_value(self, data):
        """Accept `from` and `to` (Python keywords) as the parameter names."""
        data = {**{k: v for k, v in data.items()}, "date_from": data.get("from"),
                "date_to": data.get("to")}
        return super().to_internal_value({k: v for k, v in data.items() if v is not None})


class EvidenceQuery(MethodologyQuery):
    """Query parameters of the evidence pack."""

    as_of = serializers.DateField(required=False, help_text=_("Tanggal YYYY-MM-DD."))
    compare_with = serializers.DateField(required=False, help_text=_(
        "Tanggal kedua untuk bagian perbandingan."))


class AsOfQuery(serializers.Serializer):
    """`as_of` only (claim verification)."""

    as_of = serializers.DateField(required=False, help_text=_(
        "Tanggal YYYY-MM-DD (baku: tanggal yang dirujuk klaim)."))
