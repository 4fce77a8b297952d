"""Admin of the registry: every layer on an offline map, with change history.

Change forms refuse a save when the record changed since the form was opened (another
editor, an import or the API saved it meanwhile), instead of silently overwriting it.
"""

from django import forms
from django.contrib import admin
from django.contrib.gis.db.models import GeometryField
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from geo.admin_widgets import OfflineGeoAdminMixin

from .api.concurrency import version_of
from .io.admin import ImportExportAdminMixin
from .models import Facility, FiberLink, FiberNode, Hotspot

STALE_FORM_MESSAGE = _(
    "Data ini telah diubah oleh pengguna lain sejak formulir ini dibuka. Perubahan Anda "
    "belum disimpan: muat ulang halaman untuk melihat versi terbaru, lalu ulangi perubahan "
    "Anda."
)


class VersionedAdminForm(forms.ModelForm):
    """A change form carrying the version (`last_updated`) of the record it was opened on.

    `clean` compares it with the row, locked (`SELECT … FOR UPDATE`) inside the admin's
    transaction, so a concurrent save cannot slip in between the check and the write.
    """

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.last_updated:
            self.fields["loaded_version"].initial = version_of(self.instance.last_updated)

    def _get_validation_exclusions(self):
        """Leave geometry fields out of the model's constraint checks in Python.

        Django cannot evaluate `isvalid` check constraints in Python (an empty optional
        geometry raises TypeError); `clean` checks validity instead, and the database
        constraints back it.
        """
        exclude = super()._get_validation_exclusions()
        exclude.update(
            field.name for field in self._meta.model._meta.fields
            if isinstance(field, GeometryField) and field.name in self.fields
        )
        return exclude

    def clean(self):
        """Refuse invalid geometries, and the save when the record changed since the form
        was opened."""
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if hasattr(value, "valid") and hasattr(value, "valid_reason") and not value.valid:
                self.add_error(name, _("Geometri tidak valid: %(reason)s.")
                               % {"reason": value.valid_reason})
        if self.instance.pk:
            rows = type(self.instance)._default_manager.filter(pk=self.instance.pk)
            if transaction.get_connection().in_atomic_block:
                rows = rows.select_for_update()
            current = rows.values_list("last_updated", flat=True).first()
            sent = (cleaned.get("loaded_version") or "").strip()
            if current is not None and sent != str(version_of(current)):
                raise ValidationError(STALE_FORM_MESSAGE, code="stale")
        return cleaned


class AssetAdmin(OfflineGeoAdminMixin, SimpleHistoryAdmin):
    """Common admin options of registry records."""

    form = VersionedAdminForm

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
