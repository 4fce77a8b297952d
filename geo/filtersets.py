"""FilterSets of the geo app (administrative areas)."""

import django_filters

from core.choices import AreaKind, AreaLevel
from core.filters import AreaCodeFilter, DistanceFilterSetMixin, SearchFilter, bbox_filter

from .models import AdminArea


class AdminAreaFilterSet(DistanceFilterSetMixin):
    """Filters of the areas layer."""

    area = AreaCodeFilter(
        method="filter_area",
        help_text="The area with this Kemendagri code and every area below it, "
        "e.g. `35.76` or `35.76.01.1003` (dots optional).",
    )
    parent = AreaCodeFilter(
        field_name="parent__code", help_text="Direct children of the area with this code."
    )
    level = django_filters.MultipleChoiceFilter(
        choices=AreaLevel.choices,
        help_text="Administrative level: 1 provinsi, 2 kabupaten/kota, 3 kecamatan, "
        "4 desa/kelurahan (repeat to combine).",
    )
    type = django_filters.MultipleChoiceFilter(
        field_name="kind",
        choices=AreaKind.choices,
        help_text="Kind of area (provinsi, kabupaten, kota, kecamatan, desa, kelurahan).",
    )
    search = SearchFilter(
        search_fields=("name", "code"), help_text="Text contained in the name or the code."
    )
    in_bbox = bbox_filter()

    class Meta:
        model = AdminArea
        fields = ["area", "parent", "level", "type", "search", "in_bbox", "point", "distance_m"]

    def filter_area(self, queryset, name, value):
        """The area and its subtree."""
        return queryset.subtree(value) if value else queryset
