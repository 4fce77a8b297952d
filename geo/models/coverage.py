"""Stored coverage runs: reproducible results of one analysis of the registry as of a date.

Nothing is recomputed per request: pages, the API, scores and claims read these tables.
"""

from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GistIndex
from django.utils.translation import gettext_lazy as _


class CoverageRun(models.Model):
    """One coverage analysis: its date, parameters, inputs, duration and fiber findings.

    Snapshot runs are made on purpose (`compute_coverage`, a permitted POST) and never
    change. The one live run (`is_live`) is the coverage of today, kept current by every
    registry change (`geo.coverage.live`).
    """

    created = models.DateTimeField(_("dibuat"), auto_now_add=True)
    as_of = models.DateField(_("per tanggal"))
    scope = models.ForeignKey(
        "geo.AdminArea",
        verbose_name=_("cakupan wilayah"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Kosong: semua wilayah yang dimuat."),
    )
    is_live = models.BooleanField(
        _("cakupan terkini"), default=False,
        help_text=_("Tabel cakupan terkini, diperbarui pada setiap perubahan registri; "
                    "selain itu: potret yang dibuat dengan sengaja."),
    )
    parameters = models.JSONField(_("parameter"), default=dict)
    input_counts = models.JSONField(_("jumlah masukan"), default=dict)
    data_hash = models.CharField(_("hash data masukan"), max_length=64)
    code_version = models.CharField(_("versi kode"), max_length=64, blank=True)
    duration_s = models.FloatField(_("durasi (detik)"))
    fiber = models.JSONField(
        _("hasil jaringan serat optik"),
        default=dict,
        help_text=_("Panjang rute dan jalur titik tunggal kegagalan (bridges)."),
    )

    class Meta:
        ordering = ["-created"]
        get_latest_by = "created"
        verbose_name = _("analisis cakupan")
        verbose_name_plural = _("analisis cakupan")
        indexes = [models.Index(fields=["as_of", "-created"], name="geo_coveragerun_as_of")]
        constraints = [
            models.UniqueConstraint(fields=["is_live"], condition=models.Q(is_live=True),
                                    name="geo_coveragerun_one_live"),
        ]

    def __str__(self):
        return _("Cakupan per %(date)s (#%(pk)s)") % {
            "date": f"{self.as_of:%Y-%m-%d}", "pk": self.pk,
        }


class AreaCoverage(models.Model):
    """Coverage figures of one area (any level) in one run.

    Parent levels are sums of their desa/kelurahan (m², people, counts) with percentages
    recomputed from the sums, never averaged.
    """

    run = models.ForeignKey(CoverageRun, on_delete=models.CASCADE, related_name="areas")
    area = models.ForeignKey("geo.AdminArea", on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(_("tingkat"))
    area_m2 = models.FloatField(_("luas (m²)"))
    covered_m2 = models.FloatField(_("luas terjangkau wifi (m²)"))
    covered_pct = models.FloatField(_("cakupan wilayah (%)"))
    population = models.FloatField(_("penduduk"), null=True)
    covered_population = models.FloatField(_("penduduk terjangkau"), null=True)
    covered_population_pct = models.FloatField(_("cakupan penduduk (%)"), null=True)
    hotspots_total = models.PositiveIntegerField(_("hotspot beroperasi"))
    hotspots_active = models.PositiveIntegerField(_("hotspot aktif"))
    hotspots_down = models.PositiveIntegerField(_("hotspot mati/perawatan"))
    hotspots_install_unknown = models.PositiveIntegerField(
        _("hotspot tanpa tanggal pemasangan"), default=0,
        help_text=_("Hotspot gratis yang tidak dihitung untuk tanggal lampau karena tanggal "
                    "mulai beroperasinya tidak diketahui."),
    )
    hotspots_per_km2 = models.FloatField(_("hotspot aktif per km²"))
    hotspots_per_10k = models.FloatField(_("hotspot aktif per 10.000 penduduk"), null=True)
    leaf_count = models.PositiveIntegerField(_("jumlah desa/kelurahan"))
    leaves_with_hotspot = models.PositiveIntegerField(_("desa/kelurahan dengan hotspot aktif"))
    facilities = models.JSONField(
        _("fasilitas"),
        default=dict,
        help_text=_("Per jenis: jumlah, dalam jangkauan wifi, terhubung, ke pusat data, redundan."),
    )
    fiber_route_m = models.FloatField(_("panjang rute serat optik (m)"))
    fiber_m_per_km2 = models.FloatField(_("rute serat optik per km² (m)"))
    covered_geom = models.MultiPolygonField(_("area terjangkau"), srid=4326, null=True)

    class Meta:
        ordering = ["run", "area__code"]
        verbose_name = _("cakupan wilayah")
        verbose_name_plural = _("cakupan wilayah")
        constraints = [
            models.UniqueConstraint(fields=["run", "area"], name="geo_areacoverage_unique_area"),
        ]

    def __str__(self):
        return f"{self.area_id}: {self.covered_pct:.1f}%"


class WhiteZone(models.Model):
    """An uncovered part of a desa/kelurahan, above the run's minimum size."""

    run = models.ForeignKey(CoverageRun, on_delete=models.CASCADE, related_name="white_zones")
    area = models.ForeignKey("geo.AdminArea", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveIntegerField(_("peringkat"), help_text=_("1 = terbesar"))
    area_m2 = models.FloatField(_("luas (m²)"))
    population = models.FloatField(_("penduduk (perkiraan)"), null=True)
    # The named GistIndex in Meta is the only spatial index (not GeoDjango's default too).
    geom = models.PolygonField(_("geometri"), srid=4326, spatial_index=False)

    class Meta:
        ordering = ["run", "rank"]
        verbose_name = _("wilayah tanpa wifi")
        verbose_name_plural = _("wilayah tanpa wifi")
        indexes = [GistIndex(fields=["geom"], name="geo_whitezone_geom_gist")]

    def __str__(self):
        return f"#{self.rank} {self.area_m2:.0f} m²"


class FacilityAccess(models.Model):
    """One facility's wifi and fiber access in one run: the evidence behind the counts."""

    run = models.ForeignKey(CoverageRun, on_delete=models.CASCADE, related_name="facilities")
    facility = models.ForeignKey("inventory.Facility", on_delete=models.CASCADE, related_name="+")
    nearest_hotspot = models.ForeignKey(
        "inventory.Hotspot", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    nearest_hotspot_m = models.FloatField(_("jarak ke hotspot aktif terdekat (m)"), null=True)
    in_coverage = models.BooleanField(_("dalam jangkauan wifi"))
    connected = models.BooleanField(_("terhubung serat optik"))
    reaches_data_centre = models.BooleanField(_("tersambung ke pusat data"))
    redundant = models.BooleanField(_("memiliki jalur cadangan"))

    class Meta:
        ordering = ["run", "facility"]
        verbose_name = _("akses fasilitas")
        verbose_name_plural = _("akses fasilitas")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "facility"], name="geo_facilityaccess_unique_facility"
            ),
        ]

    def __str__(self):
        return f"{self.facility_id} in run {self.run_id}"
