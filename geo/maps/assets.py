"""Serve the JavaScript and CSS of folium maps from Simpul's own static files.

folium and branca put CDN ``<script>`` and ``<link>`` tags in every map page, so a map
breaks without internet. The libraries are vendored under ``geo/static/vendor/`` and
:data:`CDN_TO_STATIC` maps each CDN URL to its copy. A map builder calls
:func:`apply_local_assets` on its map before rendering it::

    m = folium.Map(location=[-7.472, 112.434], zoom_start=13)
    ...  # add layers and plugins
    figure = apply_local_assets(m)
    html = figure.render()

The rewrite happens when the page header is rendered, so it also covers links that
are only added during rendering (branca colormaps add d3 that way) and elements added
after the call. A remote URL without a vendored copy raises
:class:`MissingLocalAssetError`, so a folium upgrade that adds an asset is caught by
the tests instead of silently loading from a CDN.
"""

from branca.element import CssLink, Element, Figure, JavascriptLink
from django.templatetags.static import static

_JSDELIVR = "https://cdn.jsdelivr.net/npm/"
_CDNJS = "https://cdnjs.cloudflare.com/ajax/libs/"

#: CDN URL emitted by folium 0.20 / branca 0.8 -> vendored file, relative to the static root.
CDN_TO_STATIC: dict[str, str] = {
    # folium.Map (folium.folium._default_js / _default_css)
    _JSDELIVR + "leaflet@1.9.3/dist/leaflet.js": "vendor/leaflet/leaflet.js",
    _JSDELIVR + "leaflet@1.9.3/dist/leaflet.css": "vendor/leaflet/leaflet.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "vendor/jquery/jquery.min.js",
    _JSDELIVR + "bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": (
        "vendor/bootstrap/js/bootstrap.bundle.min.js"
    ),
    _JSDELIVR + "bootstrap@5.2.2/dist/css/bootstrap.min.css": (
        "vendor/bootstrap/css/bootstrap.min.css"
    ),
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": (
        "vendor/glyphicons/css/glyphicons.min.css"
    ),
    _JSDELIVR + "@fortawesome/fontawesome-free@6.2.0/css/all.min.css": (
        "vendor/fontawesome/css/all.min.css"
    ),
    _CDNJS + "Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": (
        "vendor/leaflet.awesome-markers/leaflet.awesome-markers.js"
    ),
    _CDNJS + "Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": (
        "vendor/leaflet.awesome-markers/leaflet.awesome-markers.css"
    ),
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/"
    "leaflet.awesome.rotate.min.css": "vendor/folium/leaflet.awesome.rotate.min.css",
    # folium.plugins.MarkerCluster
    _CDNJS + "leaflet.markercluster/1.1.0/leaflet.markercluster.js": (
        "vendor/leaflet.markercluster/leaflet.markercluster.js"
    ),
    _CDNJS + "leaflet.markercluster/1.1.0/MarkerCluster.css": (
        "vendor/leaflet.markercluster/MarkerCluster.css"
    ),
    _CDNJS + "leaflet.markercluster/1.1.0/MarkerCluster.Default.css": (
        "vendor/leaflet.markercluster/MarkerCluster.Default.css"
    ),
    # folium.plugins.LocateControl
    _CDNJS + "leaflet-locatecontrol/0.66.2/L.Control.Locate.min.js": (
        "vendor/leaflet.locatecontrol/L.Control.Locate.min.js"
    ),
    _CDNJS + "leaflet-locatecontrol/0.66.2/L.Control.Locate.min.css": (
        "vendor/leaflet.locatecontrol/L.Control.Locate.min.css"
    ),
    # folium.plugins.Search
    _JSDELIVR + "leaflet-search@2.9.7/dist/leaflet-search.min.js": (
        "vendor/leaflet-search/dist/leaflet-search.min.js"
    ),
    _JSDELIVR + "leaflet-search@2.9.7/dist/leaflet-search.min.css": (
        "vendor/leaflet-search/dist/leaflet-search.min.css"
    ),
    # folium.plugins.Fullscreen (the npm package ships no minified build)
    _JSDELIVR + "leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": (
        "vendor/leaflet.fullscreen/Control.FullScreen.js"
    ),
    _JSDELIVR + "leaflet.fullscreen@3.0.0/Control.FullScreen.css": (
        "vendor/leaflet.fullscreen/Control.FullScreen.css"
    ),
    # folium.plugins.MiniMap (the npm package ships only the minified build)
    _CDNJS + "leaflet-minimap/3.6.1/Control.MiniMap.js": (
        "vendor/leaflet-minimap/Control.MiniMap.min.js"
    ),
    _CDNJS + "leaflet-minimap/3.6.1/Control.MiniMap.css": (
        "vendor/leaflet-minimap/Control.MiniMap.min.css"
    ),
    # branca colormaps (LinearColormap / StepColormap legends)
    _CDNJS + "d3/3.5.5/d3.min.js": "vendor/d3/d3.min.js",
}


class MissingLocalAssetError(LookupError):
    """A map page wants a remote JS/CSS file that has no vendored copy."""


def static_url(path: str) -> str:
    """Return the URL of the static file ``path``, e.g. ``static_url("vendor/d3/d3.min.js")``.

    Uses the configured static files storage, so hashed names are returned when a
    manifest storage is in use.
    """
    return static(path)


def local_url(url: str) -> str:
    """Return the URL to load ``url`` from: a CDN URL becomes its vendored static URL.

    URLs that are already local (relative or site-absolute paths) are returned unchanged.
    Raises :class:`MissingLocalAssetError` for a remote URL with no entry in
    :data:`CDN_TO_STATIC`.
    """
    if not url.startswith(("http://", "https://", "//")):
        return url
    try:
        return static_url(CDN_TO_STATIC[url])
    except KeyError:
        raise MissingLocalAssetError(
            f"No local copy of {url}: vendor it under geo/static/vendor/ and add it to "
            "CDN_TO_STATIC in geo/maps/assets.py."
        ) from None


class _LocalAssetsHeader(Element):
    """A figure header that points its JS/CSS links at vendored files when rendered."""

    def render(self, **kwargs) -> str:
        """Rewrite every script and stylesheet link to a local URL, then render."""
        for child in self._children.values():
            if isinstance(child, JavascriptLink | CssLink):
                child.url = local_url(child.url)
        return super().render(**kwargs)


def apply_local_assets(element: Element) -> Figure:
    """Make the page holding ``element`` load all its JS/CSS from Simpul's static files.

    ``element`` is a ``folium.Map`` or anything already attached to one. Call it once,
    before rendering; calling it again is harmless. Returns the root figure, which
    renders the whole page (``figure.render()``) or its parts for a Django template
    (``figure.render()`` first, then ``figure.header.render()``,
    ``figure.html.render()`` and ``figure.script.render()``). Rendering raises
    :class:`MissingLocalAssetError` if the page needs a CDN file with no vendored copy.
    """
    figure = element.get_root()
    if not isinstance(figure, Figure):
        raise TypeError(f"{element!r} is not part of a folium/branca Figure.")
    if not isinstance(figure.header, _LocalAssetsHeader):
        header = _LocalAssetsHeader()
        for name, child in figure.header._children.items():
            header.add_child(child, name=name)
        header._parent = figure
        figure.header = header
    return figure
