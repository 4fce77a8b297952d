"""Map pages and the admin map widget load every JS/CSS file from local static files."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import branca.colormap
import folium
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import override_settings
from folium import plugins
from folium.elements import JSCSSMixin
from folium.map import MacroElement

import geo
from core.admin import OfflineGISModelAdmin, OfflineOSMWidget
from geo.maps.assets import (
    CDN_TO_STATIC,
    MissingLocalAssetError,
    apply_local_assets,
    local_url,
)

GEO_STATIC = Path(geo.__file__).resolve().parent / "static"

# folium/branca classes whose assets Simpul maps use.
USED_CLASSES = [
    folium.Map,
    plugins.MarkerCluster,
    plugins.LocateControl,
    plugins.Search,
    plugins.Fullscreen,
    plugins.MiniMap,
]

POLYGONS = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "Kelurahan A", "hotspots": 3},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[112.42, -7.48], [112.44, -7.48], [112.44, -7.46], [112.42, -7.48]]
                ],
            },
        }
    ],
}


class _AssetLinks(HTMLParser):
    """Collect the URLs of ``<script src>`` and ``<link href>`` tags."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        elif tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])


def asset_urls(html: str) -> list[str]:
    """Return the script and stylesheet URLs referenced by ``html``."""
    parser = _AssetLinks()
    parser.feed(html)
    return parser.urls


def is_remote(url: str) -> bool:
    """Tell whether ``url`` points at another host."""
    return bool(re.match(r"(https?:)?//", url))


def build_map() -> folium.Map:
    """A map using every folium feature Simpul's pages use."""
    m = folium.Map(location=[-7.472, 112.434], zoom_start=13)
    cluster = plugins.MarkerCluster(name="Hotspot").add_to(m)
    folium.Marker([-7.47, 112.43], icon=folium.Icon()).add_to(cluster)
    folium.Marker([-7.471, 112.431], icon=folium.Icon(icon="wifi", prefix="fa", angle=45)).add_to(
        cluster
    )
    areas = folium.GeoJson(
        POLYGONS,
        name="Kelurahan",
        popup=folium.GeoJsonPopup(fields=["name", "hotspots"]),
        tooltip=folium.GeoJsonTooltip(fields=["name"]),
    ).add_to(m)
    plugins.Search(layer=areas, search_label="name", geom_type="Polygon").add_to(m)
    plugins.LocateControl().add_to(m)
    plugins.Fullscreen().add_to(m)
    plugins.MiniMap().add_to(m)
    branca.colormap.LinearColormap(["white", "green"], vmin=0, vmax=10).add_to(m)
    folium.LayerControl().add_to(m)
    return m


def test_map_page_loads_only_vendored_files():
    html = apply_local_assets(build_map()).render()

    urls = asset_urls(html)
    assert urls, "the page references no scripts or stylesheets at all"
    assert [url for url in urls if is_remote(url)] == []
    for url in urls:
        assert url.startswith(settings.STATIC_URL), url
        assert (GEO_STATIC / url.removeprefix(settings.STATIC_URL)).is_file(), url
    # Every library was kept, just moved: one local URL per CDN asset of the used features.
    expected = {path for cls in USED_CLASSES for path in _local_paths(cls)}
    expected.add("vendor/d3/d3.min.js")
    assert {url.removeprefix(settings.STATIC_URL) for url in urls} == expected


def test_rendering_twice_and_piecewise_stays_local():
    figure = apply_local_assets(apply_local_assets(build_map()))
    figure.render()
    assert [url for url in asset_urls(figure.header.render()) if is_remote(url)] == []
    assert [url for url in asset_urls(figure.render()) if is_remote(url)] == []


def _local_paths(cls) -> list[str]:
    return [CDN_TO_STATIC[url] for _, url in [*cls.default_js, *cls.default_css]]


@pytest.mark.parametrize("cls", USED_CLASSES, ids=lambda cls: cls.__name__)
def test_every_asset_of_used_classes_is_mapped(cls):
    for _, url in [*cls.default_js, *cls.default_css]:
        assert url in CDN_TO_STATIC, f"{cls.__name__} loads {url}, which is not vendored"


@pytest.mark.parametrize("path", sorted(set(CDN_TO_STATIC.values())))
def test_every_mapping_points_at_a_vendored_file(path):
    assert (GEO_STATIC / path).is_file()


def test_unknown_cdn_url_raises_naming_the_url():
    url = "https://cdn.example.org/new-plugin@1.0.0/plugin.min.js"

    class NewPlugin(JSCSSMixin, MacroElement):
        default_js = [("new_plugin", url)]

    m = folium.Map()
    NewPlugin().add_to(m)
    figure = apply_local_assets(m)
    with pytest.raises(MissingLocalAssetError, match=re.escape(url)):
        figure.render()


def test_local_urls_are_left_alone():
    assert local_url("/static/css/site.css") == "/static/css/site.css"


def test_admin_uses_the_offline_widget():
    assert OfflineGISModelAdmin.gis_widget is OfflineOSMWidget


def test_admin_widget_media_is_local():
    urls = asset_urls(str(OfflineOSMWidget().media))

    assert len(urls) == 5
    for url in urls:
        assert not is_remote(url), url
        assert url.startswith(settings.STATIC_URL), url
        assert finders.find(url.removeprefix(settings.STATIC_URL)), url


def _widget_options(html: str) -> dict:
    """The JSON options the widget renders for simpul/admin-map-widget.js (no inline JS)."""
    match = re.search(
        r'<script id="id_location_simpul_map_options" type="application/json">(.*?)</script>',
        html,
    )
    assert match, html
    assert "<script>" not in html
    return json.loads(match.group(1))


@override_settings(SIMPUL_TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png")
def test_admin_widget_uses_configured_tiles_and_mojokerto_centre():
    html = OfflineOSMWidget().render("location", None, attrs={"id": "id_location"})

    options = _widget_options(html)
    assert options["tile_url"] == "https://tiles.example.org/{z}/{x}/{y}.png"
    assert (options["default_lon"], options["default_lat"], options["default_zoom"]) == (
        112.434, -7.472, 13)
    assert options["map_id"] == "id_location_map"
    assert options["module"] == "geodjango_location"


@override_settings(SIMPUL_TILE_URL="")
def test_admin_widget_without_tiles_still_has_a_base_layer():
    html = OfflineOSMWidget().render("location", None, attrs={"id": "id_location"})

    assert _widget_options(html)["tile_url"] == ""
    script = Path(finders.find("simpul/admin-map-widget.js")).read_text()
    assert "new ol.layer.Vector({source: new ol.source.Vector()})" in script
    assert "ol.source.OSM" not in script
