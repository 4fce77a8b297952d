"""Content-Security-Policy (django-csp): what a Simpul page may load and run.

Scripts: only Simpul's own files and inline blocks carrying the request's nonce. The map
pages assemble folium output with inline `<script>` blocks; templates give them the nonce
(`nonce="{{ CSP_NONCE }}"`, and :func:`add_nonce` for folium's header). Nothing else runs:
no `eval`, no inline event handlers, no injected `<script>`.

Styles: 'self' plus 'unsafe-inline'. Leaflet, Leaflet.markercluster, OpenLayers, Swagger UI
and folium's header write inline styles and `style` attributes (marker positions, popups,
map size); a nonce cannot cover `style` attributes, and when a nonce is present browsers
ignore 'unsafe-inline'. Inline styles cannot run code, so this is the usual trade-off.

Images: 'self', `data:` (Leaflet and Swagger UI icons) and the base-map tile host from
`SIMPUL_TILE_URL` when one is set.
"""

import re
from urllib.parse import urlsplit

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.utils.html import escape

_SCRIPT_TAG = re.compile(r"<script\b(?![^>]*\bnonce=)", re.IGNORECASE)


def tile_source(tile_url: str) -> str | None:
    """The CSP source of an XYZ tile URL template: `https://host[:port]`, with a subdomain
    placeholder (`{s}`) as a wildcard; None when there is no (usable) URL."""
    if not tile_url:
        return None
    parts = urlsplit(tile_url.replace("{s}", "tile-subdomain"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.netloc.replace("tile-subdomain", "*")
    return f"{parts.scheme}://{host}"


def content_security_policy(tile_url: str) -> dict:
    """The `CONTENT_SECURITY_POLICY` setting of django-csp for a tile URL template."""
    tiles = tile_source(tile_url)
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF, NONCE],
            "style-src": [SELF, UNSAFE_INLINE],
            "img-src": [SELF, "data:", *([tiles] if tiles else [])],
            "font-src": [SELF, "data:"],
            "connect-src": [SELF],
            "object-src": [NONE],
            "base-uri": [SELF],
            "form-action": [SELF],
            "frame-ancestors": [NONE],
        },
    }


def add_nonce(html: str, nonce) -> str:
    """`html` (trusted, server-built: folium output) with `nonce` on every `<script>` tag."""
    # django-csp's nonce is lazy and falsy until first read: read it with str(), not bool().
    nonce = "" if nonce is None else str(nonce)
    if not nonce:
        return html
    return _SCRIPT_TAG.sub(f'<script nonce="{escape(nonce)}"', html)
