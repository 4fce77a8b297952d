"""Stored score runs (with their explanation) and assessors' claims.

A score run is tied to one coverage run and one methodology file (id, version, SHA-256 and
a copy of its content), so a stored score can always be explained and recomputed.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import BaseModel

from ..choices import ClaimScope, Comparator


class ScoreRun(models.Model):
    """Scores of every area of one coverage run under one methodology."""

    created = models.DateTimeField(_("dibuat"), auto_now_add=True)
    as_of = models.DateField(_("per tanggal"))
    coverage_run = models.ForeignKey(
        "geo.CoverageRun", verbose_name=_("analisis cakupan"), on_delete=models.PROTECT,
        related_name="score_runs",
    )
    methodology_id = models.CharField(_("metodologi"), max_length=100)
    methodology_version = models.CharField(_("versi metodologi"), max_length=40)
    methodology_sha256 = models.CharField(_("SHA-256 berkas metodologi"), max_length=64)
    methodology = models.JSONField(_("isi metodologi"), default=dict)
    inputs = models.JSONField(
        _("masukan"), default=dict,
        help_text=_("Analisis cakupan yang dibaca: nomor, hash data, parameter, versi kode."),
    )
    code_version = models.CharField(_("versi kode"), max_length=64, blank=True)
    results_sha256 = models.CharField(
        _("SHA-256 hasil"), max_length=64,
        help_text=_("Hash semua skor dan penjelasannya: data yang sama memberi hash yang sama."),
    )
    duration_s = models.FloatField(_("durasi (detik)"), default=0)

    class Meta:
        ordering = ["-created"]
        get_latest_by = "created"
        verbose_name = _("penghitungan skor")
        verbose_name_plural = _("penghitungan skor")
        indexes = [models.Index(fields=["as_of", "-created"], name="geo_scorerun_as_of")]

    def __str__(self):
        return _("Skor %(methodology)s %(version)s per %(date)s") % {
            "methodology": self.methodology_id, "version": self.methodology_version,
            "date": f"{self.as_of:%Y-%m-%d}",
        }


class AreaScore(models.Model):
    """One dimension's score of one area, with its per-indicator explanation."""

    run = models.ForeignKey(ScoreRun, on_delete=models.CASCADE, related_name="scores")
    area = models.ForeignKey("geo.AdminArea", on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(_("tingkat"))
    dimension = models.CharField(_("dimensi"), max_length=40)
    score = models.FloatField(_("skor"), null=True, help_text=_("0–100; kosong bila tak terukur."))
    indicators = models.JSONField(
        _("penjelasan per indikator"), default=list,
        help_text=_("Nilai terukur, target, sub-skor, bobot dan kontribusi tiap indikator."),
    )

    class Meta:
        ordering = ["run", "area__code", "dimension"]
        verbose_name = _("skor wilayah")
        verbose_name_plural = _("skor wilayah")
        constraints = [
            models.UniqueConstraint(fields=["run", "area", "dimension"],
                                    name="geo_areascore_unique_dimension"),
        ]

    def __str__(self):
        return f"{self.area_id} {self.dimension}: {self.score}"


class Claim(BaseModel):
    """A statement to check (e.g. from a smart-city presentation) in a checkable form.

    The claim compares a metric of an area (or of each desa/kelurahan of an area) with a
    value, as of the date it refers to.
    """

    key = models.SlugField(
        _("kunci"), max_length=80, blank=True,
        help_text=_("Pengenal tetap, mis. untuk klaim demo; unik bila diisi."),
    )
    text = models.TextField(_("teks asli klaim"))
    source = models.CharField(_("sumber"), max_length=300, blank=True)
    stated_on = models.DateField(_("tanggal disampaikan"), null=True, blank=True)
    refers_to = models.DateField(_("tanggal yang dirujuk"))
    metric = models.CharField(_("metrik"), max_length=40)
    params = models.JSONField(_("parameter metrik"), default=dict, blank=True)
    scope = models.CharField(pgettext_lazy("claim scope", "cakupan"), max_length=20,
                             choices=ClaimScope.choices, default=ClaimScope.AREA)
    area = models.ForeignKey(
        "geo.AdminArea", verbose_name=_("wilayah"), on_delete=models.PROTECT,
        related_name="claims",
    )
    comparator = models.CharField(_("pembanding"), max_length=3, choices=Comparator.choices)
    value = models.FloatField(_("nilai yang diklaim"))
    interpretation = models.TextField(
        _("tafsiran"), blank=True, help_text=_("Bagaimana teks klaim dijadikan bentuk terukur."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("dicatat oleh"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        ordering = ["refers_to", "id"]
        verbose_name = _("klaim")
        verbose_name_plural = _("klaim")
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=~Q(key=""),
                                    name="%(app_label)s_%(class)s_unique_key"),
        ]

    def __str__(self):
        return self.text[:80]
