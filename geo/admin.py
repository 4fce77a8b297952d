"""Admin of administrative areas, with an offline map widget."""

from django.contrib import admin

from .admin_widgets import OfflineGISModelAdmin
from .models import AdminArea


@admin.register(AdminArea)
class AdminAreaAdmin(OfflineGISModelAdmin):
    """Areas are loaded with `load_areas`; the admin browses and corrects them."""

    list_display = ("code", "name", "level", "kind", "population", "population_year", "area_m2")
    list_filter = ("level", "kind", "geom_repaired")
    search_fields = ("code", "name")
    readonly_fields = ("area_m2", "created", "last_updated")
    raw_id_fields = ("parent",)
