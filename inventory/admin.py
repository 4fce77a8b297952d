"""Admin of the registry: every layer on an offline map, with change history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from geo.admin_widgets import OfflineGeoAdminMixin

from .io.admin import ImportExportAdminMixin
from .models import Facility, FiberLink, FiberNode, Hotspot


class AssetAdmin(OfflineGeoAdminMixin, SimpleHistoryAdmin):
    """Common admin options of registry records."""

    search_fields = ("name", "external_id")
    readonly_fields = ("created", "last_updated")
    list_per_page = 50


class PointAssetAdmin(AssetAdmin):
    """Point assets show the desa/kelurahan found for their location."""

    readonly_fields = ("area", "created", "last_updated")
    list_select_related = ("area",)


@admin.register(Hotspot)
class HotspotAdmin(ImportExportAdminMixin, PointAssetAdmin):
    """Free-wifi hotspots."""

    io_layer = "hotspots"

    list_display = ("name", "status", "operator", "site_type", "area", "installed_on",
                    "last_verified_on")
    list_filter = ("status", "operator", "site_type", "placement", "backhaul", "is_free",
                   "area__parent")
    search_fields = ("name", "ssid", "external_id")
    raw_id_fields = ("host_facility",)


@admin.register(Facility)
class FacilityAdmin(ImportExportAdminMixin, PointAssetAdmin):
    """Public-service facilities."""

    io_layer = "facilities"

    list_display = ("name", "facility_type", "is_government_office", "connectivity", "area",
                    "fiber_node")
    list_filter = ("facility_type", "is_government_office", "connectivity", "area__parent")
    list_select_related = ("area", "fiber_node")
    raw_id_fields = ("fiber_node",)


@admin.register(FiberNode)
class FiberNodeAdmin(ImportExportAdminMixin, PointAssetAdmin):
    """Fiber nodes."""

    io_layer = "fiber-nodes"

    list_display = ("name", "node_type", "status", "area", "installed_on")
    list_filter = ("node_type", "status", "is_sensitive")


@admin.register(FiberLink)
class FiberLinkAdmin(ImportExportAdminMixin, AssetAdmin):
    """Fiber spans."""

    io_layer = "fiber-links"

    list_display = ("name", "status", "deployment", "fibre_count", "length_m", "installed_on")
    list_filter = ("status", "deployment", "is_sensitive")
    list_select_related = ("start_node", "end_node")
    raw_id_fields = ("start_node", "end_node")
    readonly_fields = ("length_m", "created", "last_updated")


# The citizen-report moderation queue is registered by its own package.
from .reports import admin as reports_admin  # noqa: E402, F401
