"""folium builders of Simpul's maps: the public map, the kelurahan map, the hotspot mini map.

A builder returns a `folium.Map`; :func:`page_parts` renders it into the three pieces a Django
template places (header links, map element, script). Layers are not inlined: the browser
loads them by viewport from `geo.maps.views`, so the page stays small at province scale.
"""

from dataclasses import dataclass

import folium
from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from inventory.choices import (
    Connectivity,
    FacilityType,
    FiberNodeType,
    FiberStatus,
    SiteType,
)
from inventory.models import Hotspot

from . import constants as c
from .assets import apply_local_assets
from .elements import ViewportLayers, js_template_text

#: Centre of Kota Mojokerto, used when no area is loaded yet.
DEFAULT_CENTER = (-7.4722, 112.4338)
DEFAULT_ZOOM = 13
MAX_ZOOM = 19
LAYER_KEYS = ("areas", "white-zones", "coverage", "hotspots", "fiber-links", "fiber-nodes",
              "facilities")
PUBLIC_LAYERS_ON = ("areas", "coverage", "hotspots")
_ID_PLACEHOLDER = 987654321
_CODE_PLACEHOLDER = "99"


def layer_labels() -> dict[str, str]:
    """Names of the layers in the layer control, in the active language."""
    return {
        "areas": _("Cakupan wifi per wilayah"),
        "white-zones": _("Wilayah tanpa wifi"),
        "coverage": _("Jangkauan wifi (model)"),
        "hotspots": _("Hotspot wifi gratis"),
        "fiber-links": _("Jalur serat optik"),
        "fiber-nodes": _("Node serat optik"),
        "facilities": _("Fasilitas layanan publik"),
    }


def _strings() -> dict[str, str]:
    """Every text map.js shows, translated."""
    return {
        "loading": _("Memuat…"),
        "loadError": _("Gagal memuat data peta."),
        "zoomIn": _("Perbesar peta untuk melihat semua objek."),
        "legend": _("Legenda"),
        "nearestTitle": _("Wifi terdekat"),
        "nearestHint": _("Klik peta untuk memilih titik, atau pakai lokasi Anda."),
        "myLocation": _("Lokasi saya"),
        "locating": _("Mencari lokasi Anda…"),
        "noGeolocation": _("Browser ini tidak dapat memberi lokasi."),
        "geolocationFailed": _("Lokasi tidak tersedia: %(reason)s"),
        "searching": _("Mencari hotspot terdekat…"),
        "noResults": _("Tidak ada hotspot aktif ditemukan."),
        "walk": _("Rute jalan kaki"),
        "yourPoint": _("Titik yang dipilih"),
        "details": _("Lihat detail"),
        "report": _("Laporkan masalah"),
        "areaPage": _("Halaman wilayah"),
        "ssid": _("SSID"),
        "operator": _("Operator"),
        "site": _("Jenis lokasi"),
        "hours": _("Jam layanan"),
        "status": _("Status"),
        "verified": _("Terakhir diverifikasi"),
        "never": _("belum pernah"),
        "unknown": _("tidak diketahui"),
        "coverage": _("Cakupan wifi (luas)"),
        "populationCovered": _("Penduduk terjangkau"),
        "hotspotsActive": _("Hotspot aktif / beroperasi"),
        "noData": _("Belum ada analisis cakupan"),
        "whiteZone": _("Wilayah tanpa wifi"),
        "whiteZoneRank": _("Peringkat"),
        "area": _("Luas"),
        "estPopulation": _("Perkiraan penduduk"),
        "length": _("Panjang"),
        "type": _("Jenis"),
        "governmentOffice": _("Kantor pemerintah"),
        "connectivity": _("Koneksi internet"),
        "yes": _("ya"),
        "no": _("tidak"),
        "hotspotsHeading": _("Hotspot wifi gratis"),
        "coverageCircle": _("Jangkauan wifi (model)"),
        "choroplethHeading": _("Cakupan wifi per %(level)s (%% luas)"),
        "fiberHeading": _("Serat optik"),
        "clusterNote": _("Lingkaran berangka = kumpulan hotspot"),
        "searchPlaceholder": _("Cari kelurahan atau hotspot…"),
        "searchLabel": _("Cari"),
        "searchNone": _("Tidak ditemukan."),
        "close": _("Tutup"),
        "metres": _("%(n)s m"),
        "kilometres": _("%(n)s km"),
        "people": _("%(n)s jiwa"),
    }


def map_config(*, highlight: str | None = None, nearest: bool = True,
               search: bool = True, legend_open: bool = True) -> dict:
    """Everything map.js needs: URLs, labels, colours and the zoom policy."""
    hotspot_url = reverse("geo:hotspot", kwargs={"pk": _ID_PLACEHOLDER})
    area_url = reverse("geo:area", kwargs={"code": _CODE_PLACEHOLDER})
    return {
        "language": get_language(),
        "urls": {
            "layer": reverse("maps:layer", kwargs={"name": "LAYER"}).replace("LAYER", "{layer}"),
            "search": reverse("maps:search"),
            "nearest": reverse("inventory-api:hotspot-nearest"),
            "hotspot": hotspot_url.replace(str(_ID_PLACEHOLDER), "{id}"),
            "area": area_url.replace(_CODE_PLACEHOLDER, "{code}"),
            "directions": c.WALKING_DIRECTIONS_URL,
        },
        "strings": _strings(),
        "layerLabels": layer_labels(),
        "hotspotStatus": {
            str(key): {"color": color, "label": str(c.HOTSPOT_STATUS_LABELS[key])}
            for key, color in c.HOTSPOT_STATUS_COLORS.items()
        },
        "siteTypes": {str(value): str(label) for value, label in SiteType.choices},
        "facilityTypes": {
            str(value): {"label": str(label), "icon": c.FACILITY_ICONS[value][0],
                         "color": c.FACILITY_ICONS[value][1]}
            for value, label in FacilityType.choices
        },
        "connectivity": {str(value): str(label) for value, label in Connectivity.choices},
        "fiberStatus": {
            str(value): {"label": str(FiberStatus(value).label), **style}
            for value, style in c.FIBER_STATUS_STYLES.items()
        },
        "nodeTypes": {str(value): str(label) for value, label in FiberNodeType.choices},
        "coverageClasses": [list(pair) for pair in c.COVERAGE_CLASSES],
        "noDataColor": c.NO_DATA_COLOR,
        "whiteZoneColor": c.WHITE_ZONE_COLOR,
        "coverageMinZoom": c.COVERAGE_MIN_ZOOM,
        "maxZoom": MAX_ZOOM,
        "highlight": highlight,
        "nearest": nearest,
        "search": search,
        "legendOpen": legend_open,
    }


def base_map(*, location=None, zoom: int | None = None, bounds=None,
             height: str = "100%") -> folium.Map:
    """A folium map with Simpul's tiles (none when `SIMPUL_TILE_URL` is empty) and only
    Leaflet as a dependency. `bounds` is (min lon, min lat, max lon, max lat)."""
    m = folium.Map(
        location=location or DEFAULT_CENTER,
        zoom_start=zoom or DEFAULT_ZOOM,
        tiles=None,
        control_scale=True,
        height=height,
        max_zoom=MAX_ZOOM,
    )
    # folium also loads jQuery, Bootstrap and awesome-markers; these maps need only Leaflet.
    m.default_js = [(name, url) for name, url in m.default_js if name == "leaflet"]
    m.default_css = [(name, url) for name, url in m.default_css if name == "leaflet_css"]
    if settings.SIMPUL_TILE_URL:
        folium.TileLayer(
            tiles=settings.SIMPUL_TILE_URL,
            attr=settings.SIMPUL_TILE_ATTRIBUTION,
            name=_("Peta dasar"),
            control=False,
            max_zoom=MAX_ZOOM,
        ).add_to(m)
    if bounds is not None:
        min_lon, min_lat, max_lon, max_lat = bounds
        m.fit_bounds([[min_lat, min_lon], [max_lat, max_lon]])
    return m


def viewport_map(*, bounds=None, location=None, zoom: int | None = None,
                 layers_on=PUBLIC_LAYERS_ON, highlight: str | None = None,
                 nearest: bool = True, search: bool = True, height: str = "100%") -> folium.Map:
    """The layered map (public map and kelurahan map): empty feature groups in a layer
    control, filled by viewport by map.js."""
    m = base_map(location=location, zoom=zoom, bounds=bounds, height=height)
    labels = layer_labels()
    groups = {
        key: folium.FeatureGroup(name=labels[key], show=key in layers_on).add_to(m)
        for key in LAYER_KEYS
    }
    folium.LayerControl(collapsed=True).add_to(m)
    config = map_config(highlight=highlight, nearest=nearest, search=search,
                        legend_open=nearest)
    ViewportLayers(groups, config).add_to(m)
    return m


def hotspot_map(hotspot: Hotspot) -> folium.Map:
    """A small map of one hotspot: its point and modelled coverage circle."""
    point = (hotspot.geom.y, hotspot.geom.x)
    m = base_map(location=point, zoom=17, height="320px")
    status = "reported_down" if getattr(hotspot, "reported_down", False) else hotspot.status
    color = c.HOTSPOT_STATUS_COLORS.get(status, "#555555")
    if hotspot.coverage_radius_m:
        folium.Circle(point, radius=hotspot.coverage_radius_m, color=color, weight=1,
                      fill=True, fill_opacity=0.15).add_to(m)
    folium.GeoJson(
        hotspot.area.geom.json,
        style_function=lambda feature: {"color": "#555555", "weight": 2, "fill": False},
        control=False,
    ).add_to(m)
    marker = folium.CircleMarker(point, radius=9, color="#ffffff", weight=2, fill=True,
                                 fill_color=color, fill_opacity=1)
    marker.add_child(folium.Tooltip(js_template_text(hotspot.name)))
    marker.add_to(m)
    return m


@dataclass
class PageParts:
    """A rendered map split for a Django template: `header` (links and styles, for
    `<head>`), `html` (the map element) and `script` (to run after the page's scripts)."""

    header: str
    html: str
    script: str


def page_parts(m: folium.Map) -> PageParts:
    """Render `m` with its JS/CSS served from Simpul's static files."""
    figure = apply_local_assets(m)
    figure.render()
    return PageParts(
        header=figure.header.render(),
        html=figure.html.render(),
        script=figure.script.render(),
    )
