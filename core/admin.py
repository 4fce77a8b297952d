"""Admin helpers both apps use: an offline map widget, and change forms without lost updates.

Change forms (`VersionedAdminForm`) refuse a save when the record changed since the form was
opened (another editor, an import or the API saved it meanwhile), instead of silently
overwriting it.

Django's ``OSMWidget`` loads OpenLayers from a CDN and always shows OpenStreetMap
tiles. :class:`OfflineOSMWidget` loads the vendored OpenLayers instead and takes its
base map from the ``SIMPUL_TILE_URL`` setting (an XYZ URL template); an empty value
shows no base map, and geometries can still be drawn and edited.

API tokens (django-rest-knox) are listed and revoked here, never shown nor made
(`AuthTokenAdmin`).
"""

from django import forms
from django.conf import settings
from django.contrib.gis import admin
from django.contrib.gis.admin.options import GeoModelAdminMixin
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.forms.widgets import OSMWidget
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from core.api.concurrency import version_of

DEFAULT_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_TILE_ATTRIBUTION = "&copy; OpenStreetMap contributors"


class OfflineOSMWidget(OSMWidget):
    """OpenLayers map widget using vendored OpenLayers, centred on Kota Mojokerto."""

    template_name = "gis/simpul-openlayers.html"
    default_lon = 112.434
    default_lat = -7.472
    default_zoom = 13

    class Media:
        # Replace, not extend, OSMWidget's media: that one points at a CDN.
        extend = False
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css")}
        js = ("vendor/ol/ol.js", "gis/js/OLMapWidget.js", "simpul/admin-map-widget.js")

    def get_context(self, name, value, attrs):
        """Add the map options (base-map tiles from the settings) as JSON for the script.

        No inline script: `simpul/admin-map-widget.js` reads `simpul_options`, so that the
        widget works under the Content-Security-Policy (core/csp.py).
        """
        context = super().get_context(name, value, attrs)
        context["tile_url"] = getattr(settings, "SIMPUL_TILE_URL", DEFAULT_TILE_URL)
        context["tile_attribution"] = getattr(
            settings, "SIMPUL_TILE_ATTRIBUTION", DEFAULT_TILE_ATTRIBUTION
        )
        widget_id = context.get("id", "")
        context["simpul_options_id"] = f"{widget_id}_simpul_map_options"
        context["simpul_options"] = {
            "module": context["module"],
            "geom_name": context["geom_type"],
            "id": widget_id,
            "map_id": f"{widget_id}_map",
            "map_srid": context["map_srid"],
            "name": context["name"],
            "default_lon": context["default_lon"],
            "default_lat": context["default_lat"],
            "default_zoom": context["default_zoom"],
            "tile_url": context["tile_url"],
            "tile_attribution": context["tile_attribution"],
        }
        return context

    def render(self, name, value, attrs=None, renderer=None):
        """Render with the project's template engine.

        The widget template lives in the project's ``templates/gis/``, which Django's
        default form renderer does not search; ``TemplatesSetting`` uses ``TEMPLATES``.
        """
        return super().render(name, value, attrs, renderer=TemplatesSetting())


class OfflineGeoAdminMixin(GeoModelAdminMixin):
    """Admin mixin editing geometry fields with :class:`OfflineOSMWidget`.

    Combine it with another admin base, e.g. ``class A(OfflineGeoAdminMixin, SimpleHistoryAdmin)``.
    """

    gis_widget = OfflineOSMWidget


class OfflineGISModelAdmin(OfflineGeoAdminMixin, admin.ModelAdmin):
    """Drop-in replacement for ``GISModelAdmin`` that works offline."""


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


admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    """API tokens, to see and revoke: never a secret (only its first characters are stored
    in clear), and no token made here for someone else (a user signs in for their own)."""

    list_display = ("token_key", "user", "created", "expiry")
    list_filter = ("expiry",)
    search_fields = ("token_key", "user__username")
    fields = ("token_key", "user", "created", "expiry")
    readonly_fields = fields

    def has_add_permission(self, request):
        """Tokens come only from `POST /api/auth/login/`."""
        return False

    def has_change_permission(self, request, obj=None):
        """A token is revoked (deleted), never edited."""
        return False
