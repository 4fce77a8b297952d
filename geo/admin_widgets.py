"""GeoDjango admin map widget that works without internet.

Django's ``OSMWidget`` loads OpenLayers from a CDN and always shows OpenStreetMap
tiles. :class:`OfflineOSMWidget` loads the vendored OpenLayers instead and takes its
base map from the ``SIMPUL_TILE_URL`` setting (an XYZ URL template); an empty value
shows no base map, and geometries can still be drawn and edited.
"""

from django.conf import settings
from django.contrib.gis import admin
from django.contrib.gis.admin.options import GeoModelAdminMixin
from django.contrib.gis.forms.widgets import OSMWidget
from django.forms.renderers import TemplatesSetting

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
        widget works under the Content-Security-Policy (config/csp.py).
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
