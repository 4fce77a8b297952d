"""Queries on citizen reports, and per-hotspot report counts for hotspot querysets."""

from django.db import models

from ..choices import ReportKind, ReportStatus


class HotspotReportQuerySet(models.QuerySet):
    """Queries on citizen reports."""

    def pending(self):
        """Reports no editor has looked at yet (status new)."""
        return self.filter(status=ReportStatus.NEW)

    def confirmed_outages(self):
        """Confirmed "not working" reports that are not resolved yet."""
        return self.filter(
            kind=ReportKind.NOT_WORKING, status=ReportStatus.CONFIRMED, resolved_at__isnull=True
        )


def report_count_annotations(prefix: str = "reports") -> dict:
    """Annotations counting a hotspot's reports: in total and per status.

    `<prefix>_total`, `<prefix>_new`, `<prefix>_confirmed`, `<prefix>_resolved`,
    `<prefix>_rejected`. Distinct counts, so they stay exact beside other joins.
    """
    counts = {f"{prefix}_total": models.Count("reports", distinct=True)}
    for status in ReportStatus:
        counts[f"{prefix}_{status.value}"] = models.Count(
            "reports", filter=models.Q(reports__status=status), distinct=True
        )
    return counts
