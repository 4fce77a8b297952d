"""Choice classes of the geo app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.IntegerChoices):
    """Level in the Indonesian administrative hierarchy, by the number of code segments."""

    PROVINSI = 1, _("Provinsi")
    KABUPATEN_KOTA = 2, _("Kabupaten/Kota")
    KECAMATAN = 3, _("Kecamatan")
    DESA_KELURAHAN = 4, _("Desa/Kelurahan")


class AreaKind(models.TextChoices):
    """What kind of area it is within its level (a kota or a kabupaten, a desa or a kelurahan)."""

    PROVINSI = "provinsi", _("Provinsi")
    KABUPATEN = "kabupaten", _("Kabupaten")
    KOTA = "kota", _("Kota")
    KECAMATAN = "kecamatan", _("Kecamatan")
    DESA = "desa", _("Desa")
    KELURAHAN = "kelurahan", _("Kelurahan")
