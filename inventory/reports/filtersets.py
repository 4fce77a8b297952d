"""Filters of the moderation queue API."""

import django_filters

from ..choices import ReportKind, ReportStatus
from .models import HotspotReport


class ReportFilterSet(django_filters.FilterSet):
    """`?status=new&kind=not_working&hotspot=12`."""

    status = django_filters.ChoiceFilter(choices=ReportStatus.choices)
    kind = django_filters.ChoiceFilter(choices=ReportKind.choices)
    hotspot = django_filters.NumberFilter(field_name="hotspot_id", min_value=1,
                                          max_value=2**63 - 1, label="Id of the hotspot")

    class Meta:
        model = HotspotReport
        fields = ["status", "kind", "hotspot"]
