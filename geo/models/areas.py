"""Administrative areas (provinsi > kabupaten/kota > kecamatan > desa/kelurahan)."""

from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GistIndex
from django.utils.translation import gettext_lazy as _

from core.choices import AreaKind, AreaLevel
from core.codes import CODE_PATTERN
from core.functions import AreaM2
from core.models import BaseModel, History

from ..querysets import AdminAreaQuerySet


class AdminArea(BaseModel):
    """An Indonesian administrative area, keyed by its Kemendagri code.

    One table holds the whole hierarchy; `parent` follows the code (`35.76.01` is the parent
    of `35.76.01.1003`). `area_m2` is derived by PostgreSQL from `geom` on every write
    (a stored generated column), measured in the analysis CRS, not in degrees.
    """

    code = models.CharField(_("kode Kemendagri"), max_length=13, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=AreaLevel.choices)
    kind = models.CharField(_("jenis"), max_length=10, choices=AreaKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("induk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # The named GistIndex in Meta is the only spatial index (not GeoDjango's default too).
    geom = models.MultiPolygonField(_("batas wilayah"), srid=4326, spatial_index=False)
    area_m2 = models.GeneratedField(
        verbose_name=_("luas (m²)"),
        expression=AreaM2("geom"),
        output_field=models.FloatField(),
        db_persist=True,
    )
    population = models.PositiveIntegerField(_("jumlah penduduk"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(_("tahun penduduk"), null=True, blank=True)
    population_source = models.CharField(_("sumber data penduduk"), max_length=200, blank=True)
    source = models.CharField(
        _("sumber batas wilayah"),
        max_length=200,
        blank=True,
        help_text=_("Asal geometri, mis. nama berkas impor atau 'demo (perkiraan)'."),
    )
    geom_repaired = models.BooleanField(
        _("geometri diperbaiki"),
        default=False,
        help_text=_("Geometri sumber tidak valid dan diperbaiki dengan make_valid saat impor."),
    )

    objects = AdminAreaQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["code"]
        verbose_name = _("wilayah administrasi")
        verbose_name_plural = _("wilayah administrasi")
        indexes = [
            GistIndex(fields=["geom"], name="geo_adminarea_geom_gist"),
            models.Index(fields=["level", "code"], name="geo_adminarea_level_code"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(geom__isvalid=True), name="%(app_label)s_%(class)s_valid_geom"
            ),
            models.CheckConstraint(
                condition=models.Q(code__regex=CODE_PATTERN),
                name="%(app_label)s_%(class)s_code_format",
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=4),
                name="%(app_label)s_%(class)s_level_range",
            ),
            models.CheckConstraint(
                condition=models.Q(level=1, parent__isnull=True)
                | models.Q(level__gt=1, parent__isnull=False),
                name="%(app_label)s_%(class)s_parent_by_level",
            ),
            models.CheckConstraint(
                condition=models.Q(population__isnull=True)
                | models.Q(population_year__isnull=False),
                name="%(app_label)s_%(class)s_population_has_year",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"
