"""Choice classes of scoring and claims."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    """Whether a higher or a lower value is better."""

    HIGHER = "higher", _("makin tinggi makin baik")
    LOWER = "lower", _("makin rendah makin baik")


class RuleType(models.TextChoices):
    """Kinds of scoring rule."""

    LINEAR = "linear", _("linear menuju target, dibatasi")
    THRESHOLDS = "thresholds", _("ambang batas tingkat kematangan 1–5")


class ClaimScope(models.TextChoices):
    """What a claim is about: one area, or each desa/kelurahan of an area."""

    AREA = "area", _("wilayah (kota, kecamatan atau kelurahan)")
    EVERY_KELURAHAN = "every_kelurahan", _("setiap kelurahan di wilayah")


class Comparator(models.TextChoices):
    """How the measured value is compared with the claimed value."""

    GTE = "gte", "≥"
    GT = "gt", ">"
    LTE = "lte", "≤"
    LT = "lt", "<"
    EQ = "eq", "="


class Verdict(models.TextChoices):
    """Outcome of checking a claim against a coverage run."""

    SUPPORTED = "supported", _("didukung data")
    PARTLY_SUPPORTED = "partly_supported", _("didukung sebagian")
    NOT_SUPPORTED = "not_supported", _("tidak didukung data")
    UNDETERMINED = "undetermined", _("tidak dapat diperiksa")
