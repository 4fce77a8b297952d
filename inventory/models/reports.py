"""A citizen's report about a hotspot, and its moderation.

No IP address, user agent or account is stored: a report holds what it says, an optional
location (rounded to about 11 m) and what the editors did with it.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.db.models import GeometryField
from django.utils.translation import gettext_lazy as _

from core.functions import GeographyDistance
from core.models import BaseModel

from ..choices import ReportKind, ReportStatus
from ..querysets import HotspotReportQuerySet

NOTE_MAX_LENGTH = 500
#: Decimal places kept of a reporter's coordinates (4: about 11 m): no more than is needed.
LOCATION_DECIMALS = 4


def distance_to_hotspot_m(hotspot_id: int, point) -> float:
    """Geodesic distance in metres from `point` (SRID 4326) to a hotspot, in PostGIS."""
    from inventory.models import Hotspot

    value = models.Value(point, output_field=GeometryField(srid=4326))
    return (
        Hotspot.objects.filter(pk=hotspot_id)
        .annotate(d=GeographyDistance("geom", value))
        .values_list("d", flat=True)
        .get()
    )


class HotspotReport(BaseModel):
    """What a citizen saw at a hotspot ("not working", "slow", …) and its moderation."""

    hotspot = models.ForeignKey(
        "inventory.Hotspot",
        verbose_name=_("hotspot"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    kind = models.CharField(_("jenis laporan"), max_length=20, choices=ReportKind.choices)
    note = models.CharField(_("keterangan"), max_length=NOTE_MAX_LENGTH, blank=True)
    location = models.PointField(_("lokasi pelapor"), srid=4326, null=True, blank=True)
    distance_m = models.FloatField(
        _("jarak ke hotspot (m)"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Jarak geodesik dari lokasi pelapor ke hotspot."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.NEW
    )
    moderated_at = models.DateTimeField(
        _("pertama ditanggapi"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Saat editor pertama kali mengubah status laporan."),
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ditanggapi oleh"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("diselesaikan"), null=True, blank=True, editable=False)
    moderator_note = models.TextField(_("catatan editor"), blank=True)

    objects = HotspotReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("laporan warga")
        verbose_name_plural = _("laporan warga")
        indexes = [
            models.Index(fields=["status", "created"], name="inventory_report_status_idx"),
            models.Index(fields=["hotspot", "status"], name="inventory_report_hotspot_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True)
                | models.Q(status=ReportStatus.RESOLVED),
                name="%(app_label)s_%(class)s_resolved_at_only_when_resolved",
            ),
        ]

    def __str__(self):
        when = f"{self.created:%Y-%m-%d %H:%M}" if self.created else "–"
        return f"{self.get_kind_display()} · hotspot {self.hotspot_id} · {when}"

    @property
    def response_time(self):
        """Time from the report to its first moderation (None while untouched)."""
        if self.moderated_at is None or self.created is None:
            return None
        return self.moderated_at - self.created

    def save(self, *args, **kwargs):
        """Save, rounding the location and measuring its geodesic distance to the hotspot.

        A save limited to other fields (`update_fields` without `location`) keeps both.
        """
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "location" in update_fields:
            if self.location is None:
                self.distance_m = None
            else:
                self.location.x = round(self.location.x, LOCATION_DECIMALS)
                self.location.y = round(self.location.y, LOCATION_DECIMALS)
                self.distance_m = distance_to_hotspot_m(self.hotspot_id, self.location)
        super().save(*args, **kwargs)
