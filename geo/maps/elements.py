"""branca/folium elements of Simpul's maps, and escaping helpers for folium's templates.

folium writes tooltip and popup HTML into JavaScript template literals (backquoted strings),
where `${...}` runs code and a backslash starts an escape. :func:`js_template_text` makes a
data value safe there; :func:`js_json` makes any value safe inside a ``<script>`` block.
"""

import json
from pathlib import Path

from branca.element import Element, MacroElement
from django.utils.html import escape
from folium.elements import JSCSSMixin
from jinja2 import Template

from .assets import static_url

#: The entry module and its parts, announced in the page head with `modulepreload` so the
#: browser fetches them all at once instead of one import wave after another.
MAP_MODULES = ("simpul/map.js", *sorted(
    f"simpul/map/{path.name}"
    for path in (Path(__file__).resolve().parents[1] / "static" / "simpul" / "map").glob("*.js")
))

_JSON_SCRIPT_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    ord("\u2028"): "\\u2028",
    ord("\u2029"): "\\u2029",
}


def js_json(value) -> str:
    """`value` as a JSON literal that cannot close a ``<script>`` element or break out of it."""
    return json.dumps(value, ensure_ascii=False, default=str).translate(_JSON_SCRIPT_ESCAPES)


def js_template_text(value) -> str:
    """`value` as HTML text that is also inert inside a JavaScript template literal."""
    return (
        escape(str(value))
        .replace("\\", "&#92;")
        .replace("`", "&#96;")
        .replace("$", "&#36;")
    )


class ViewportLayers(JSCSSMixin, MacroElement):
    """Fills a map's feature groups with features loaded by viewport (``simpul/map.js``).

    `groups` maps a layer key (``hotspots``, ``coverage``, ``areas``, ``white-zones``,
    ``fiber-links``, ``fiber-nodes``, ``facilities``) to a folium FeatureGroup of the same
    map; `config` carries URLs, translated labels, colours and the zoom policy.

    ``simpul/map.js`` is an ES module (its parts are in ``simpul/map/``), so it is not one of
    the header's classic ``<script src>`` tags. This element's part of folium's inline,
    nonce'd script loads it with ``import()`` once the map and its groups exist, and stores
    the result of its ``viewportMap`` in ``window.simpul`` (which tests and ``bench/map.py``
    read). script-src ``'self'`` allows the import and the module's own imports.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        import({{ this.module_url|tojson }}).then(function (module) {
            window.simpul = module.viewportMap({{ this._parent.get_name() }}, {
                {%- for key, group in this.groups.items() %}
                {{ key|tojson }}: {{ group.get_name() }},
                {%- endfor %}
            }, {{ this.config_json }});
        });
        {% endmacro %}
        """
    )

    def __init__(self, groups: dict, config: dict):
        super().__init__()
        self._name = "ViewportLayers"
        self.groups = groups
        self.config_json = js_json(config)
        self.module_url = static_url("simpul/map.js")
        self.default_js = [
            ("markercluster", static_url("vendor/leaflet.markercluster/leaflet.markercluster.js")),
        ]
        self.default_css = [
            ("markercluster_css", static_url("vendor/leaflet.markercluster/MarkerCluster.css")),
            ("simpul_map_css", static_url("simpul/map.css")),
            ("fontawesome", static_url("vendor/fontawesome/css/all.min.css")),
        ]

    def render(self, **kwargs):
        """Add the modules' `modulepreload` links to the page head, then render as usual."""
        header = self.get_root().header
        for path in MAP_MODULES:
            header.add_child(
                Element(f'<link rel="modulepreload" href="{escape(static_url(path))}">'),
                name=f"modulepreload-{path}",
            )
        super().render(**kwargs)
