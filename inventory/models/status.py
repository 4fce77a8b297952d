"""When each hotspot's status took effect: the record "status on a date" is read from.

A hotspot's `status` column is its status today; every change of it is also a period here,
with the date it took effect (an editor may back-date it; a confirmed citizen report and,
later, monitoring set it). The first period of a hotspot has no date: it holds from the
installation. Periods are only added, never edited, so the record is also the history.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import HotspotStatus


class StatusSource(models.TextChoices):
    """Who or what recorded a status change."""

    EDITOR = "editor", _("Editor")
    REPORT = "report", _("Laporan warga dikonfirmasi")
    IMPORT = "import", _("Impor")
    MONITORING = "monitoring", _("Pemantauan")
    MIGRATION = "migration", _("Data awal")


class HotspotStatusPeriod(models.Model):
    """A hotspot's status from `effective_from` until the next period (NULL: from install)."""

    # Kept when the hotspot is deleted, like its history rows: `known_at` reconstructs the
    # status of records deleted since (ids are never reused).
    hotspot = models.ForeignKey("inventory.Hotspot", on_delete=models.DO_NOTHING,
                                db_constraint=False, related_name="status_periods")
    status = models.CharField(_("status"), max_length=15, choices=HotspotStatus.choices)
    effective_from = models.DateField(
        _("berlaku sejak"), null=True, blank=True,
        help_text=_("Kosong: sejak mulai beroperasi."),
    )
    recorded = models.DateTimeField(_("dicatat"), default=timezone.now)
    source = models.CharField(_("sumber"), max_length=12, choices=StatusSource.choices,
                              default=StatusSource.EDITOR)
    note = models.CharField(_("catatan"), max_length=200, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+", db_index=False)

    class Meta:
        ordering = ["hotspot", models.F("effective_from").asc(nulls_first=True), "id"]
        verbose_name = _("periode status hotspot")
        verbose_name_plural = _("periode status hotspot")
        indexes = [
            models.Index(fields=["hotspot", "effective_from"],
                         name="inventory_status_period_on"),
        ]

    def __str__(self):
        since = self.effective_from.isoformat() if self.effective_from else "-"
        return f"{self.hotspot_id}: {self.status} ({since})"


def check_effective_date(hotspot_id: int | None, effective_on: datetime.date) -> None:
    """Refuse a status change dated in the future or before the hotspot's latest change.

    Back-dating is allowed down to the latest recorded change: a change before it would make
    today's status disagree with the record (correct the record in the admin instead).
    """
    if effective_on > timezone.localdate():
        raise ValidationError({"status_effective_on": _(
            "Tanggal berlaku status tidak boleh di masa depan.")})
    if hotspot_id is None:
        return
    latest = (HotspotStatusPeriod.objects.filter(hotspot_id=hotspot_id,
                                                 effective_from__isnull=False)
              .order_by("-effective_from").values_list("effective_from", flat=True).first())
    if latest is not None and effective_on < latest:
        raise ValidationError({"status_effective_on": _(
            "Tanggal berlaku status tidak boleh sebelum perubahan status terakhir "
            "(%(date)s).") % {"date": latest.isoformat()}})


#: Two INSERTs for the hotspots among `ids`. First, the first period of those without one:
#: their status since installation (a hotspot recorded as already decommissioned on a date
#: was active until then). Then a period for each whose status column differs from its
#: latest period, effective on the given date (a decommissioning: on its date).
RECORD_STATUS_CHANGES_SQL = """
INSERT INTO inventory_hotspotstatusperiod
    (hotspot_id, status, effective_from, recorded, source, note, user_id)
SELECT h.id, CASE WHEN h.status = 'decommissioned' AND h.decommissioned_on IS NOT NULL
                  THEN 'active' ELSE h.status END,
       NULL, clock_timestamp(), %(source)s, %(note)s, %(user)s
FROM inventory_hotspot h
WHERE h.id = ANY(%(ids)s)
  AND NOT EXISTS (SELECT 1 FROM inventory_hotspotstatusperiod p WHERE p.hotspot_id = h.id);
INSERT INTO inventory_hotspotstatusperiod
    (hotspot_id, status, effective_from, recorded, source, note, user_id)
SELECT h.id, h.status,
       CASE WHEN h.status = 'decommissioned' AND h.decommissioned_on IS NOT NULL
            THEN h.decommissioned_on ELSE %(effective_on)s::date END,
       clock_timestamp(), %(source)s, %(note)s, %(user)s
FROM inventory_hotspot h
JOIN LATERAL (
    SELECT p.status FROM inventory_hotspotstatusperiod p WHERE p.hotspot_id = h.id
    ORDER BY p.effective_from DESC NULLS LAST, p.id DESC LIMIT 1
) latest ON true
WHERE h.id = ANY(%(ids)s) AND latest.status <> h.status
"""


def record_status_changes(ids, *, effective_on: datetime.date | None = None,
                          source: str = StatusSource.EDITOR, note: str = "",
                          user=None) -> None:
    """Record a status period for each hotspot in `ids` whose status changed (and the first
    period of a new one); every write path (save, import, reports, monitoring) calls this,
    so the record never misses a change."""
    effective_on = effective_on or timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(RECORD_STATUS_CHANGES_SQL, {
            "effective_on": effective_on, "source": source, "note": note[:200],
            "user": getattr(user, "pk", None), "ids": list(ids)})
