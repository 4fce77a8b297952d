"""Services of the registry: citizen reports on hotspots ("not working", "slow", …).

Submitting and moderating them, and what the map and assessors read from them. Anyone may
report without an account; reports are throttled per client (a salted hash of the address
kept in the cache only, never in the database) and per hotspot (`api/throttles.py`).
Editors moderate them in the admin or through the API; confirmed outages show on the map.
"""

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import ReportKind, ReportStatus
from .models.reports import HotspotReport, distance_to_hotspot_m

#: A reporter's location farther than this from the hotspot is refused (metres).
MAX_REPORT_DISTANCE_M = 5000
#: Request bodies above this size are refused before they are parsed (bytes).
MAX_BODY_BYTES = 8192


def body_too_large(request) -> bool:
    """True when the request declares a body larger than MAX_BODY_BYTES."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > MAX_BODY_BYTES


def check_submission(hotspot, *, website: str = "", lat=None, lon=None) -> Point | None:
    """Apply the rules shared by the page form and the API; return the location or None.

    Raises ValidationError: the spam trap (`website`) is filled (a non-field error), only one
    of `lat`/`lon` is given, or the location is more than MAX_REPORT_DISTANCE_M away.
    """
    if website:
        raise ValidationError(_("Laporan ditolak."), code="spam")
    if lat is None and lon is None:
        return None
    if lat is None or lon is None:
        missing = "lat" if lat is None else "lon"
        raise ValidationError(
            {missing: _("Isi lintang dan bujur bersama-sama, atau kosongkan keduanya.")},
            code="incomplete",
        )
    point = Point(float(lon), float(lat), srid=4326)
    distance = distance_to_hotspot_m(hotspot.pk, point)
    if distance > MAX_REPORT_DISTANCE_M:
        raise ValidationError(
            {"lat": _("Lokasi Anda %(km).1f km dari hotspot; maksimal %(max)d km.")
             % {"km": distance / 1000, "max": MAX_REPORT_DISTANCE_M // 1000}},
            code="too_far",
        )
    return point


def submit_report(hotspot, kind: str, note: str = "", location: Point | None = None):
    """Store a new citizen report (already validated) and return it."""
    return HotspotReport.objects.create(
        hotspot=hotspot, kind=ReportKind(kind), note=note or "", location=location
    )


@transaction.atomic
def moderate(report: HotspotReport, user, status: str | None = None,
             moderator_note: str | None = None, now=None) -> HotspotReport:
    """Record an editor's decision on a report.

    The first moderation sets `moderated_at` (the response time is measured to it);
    `moderated_by` is the last editor who acted. Moving to "resolved" sets `resolved_at`,
    moving away from it clears it. A report cannot go back to "new".
    """
    now = now or timezone.now()
    if status is not None:
        status = ReportStatus(status)
        if status == ReportStatus.NEW and report.status != ReportStatus.NEW:
            raise ValidationError(
                {"status": _("Laporan yang sudah ditanggapi tidak dapat kembali berstatus baru.")}
            )
        if status == ReportStatus.RESOLVED and report.status != ReportStatus.RESOLVED:
            report.resolved_at = now
        elif status != ReportStatus.RESOLVED:
            report.resolved_at = None
        report.status = status
    if moderator_note is not None:
        report.moderator_note = moderator_note
    if report.moderated_at is None:
        report.moderated_at = now
    report.moderated_by = user
    report.save(update_fields=["status", "resolved_at", "moderator_note", "moderated_at",
                               "moderated_by", "last_updated"])
    return report


def confirmed_outage_ids() -> set[int]:
    """Ids of hotspots with a confirmed "not working" report that is not resolved yet."""
    return set(
        HotspotReport.objects.confirmed_outages()
        .order_by()
        .values_list("hotspot_id", flat=True)
        .distinct()
    )


def public_summary(hotspot) -> dict:
    """Report counts of one hotspot, safe to publish: no notes, locations or dates.

    `by_kind` leaves out rejected reports.
    """
    rows = (
        HotspotReport.objects.filter(hotspot=hotspot).order_by()
        .values_list("status", "kind").annotate(n=models.Count("pk"))
    )
    by_status = {status.value: 0 for status in ReportStatus}
    by_kind = {kind.value: 0 for kind in ReportKind}
    for status, kind, n in rows:
        by_status[status] += n
        if status != ReportStatus.REJECTED:
            by_kind[kind] += n
    return {
        "hotspot": hotspot.pk,
        "total": sum(by_status.values()),
        "by_status": by_status,
        "by_kind": by_kind,
        "confirmed_outage": HotspotReport.objects.confirmed_outages()
        .filter(hotspot=hotspot).exists(),
    }
