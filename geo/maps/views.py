"""Data views of the maps: one layer for a box and zoom, and the map's search box.

Separate from the REST API on purpose: these answer only what a map at one zoom needs
(server-side clusters, pixel-simplified shapes, compact properties), are language-neutral
and are cached briefly by the browser.
"""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.filters import parse_bbox

from . import constants as c
from .queries import LAYERS, search

CACHE_SECONDS = 60
MIN_SEARCH_LENGTH = 2


def _bad_request(field: str, message: str) -> JsonResponse:
    return JsonResponse({field: [message]}, status=400)


@require_GET
def layer(request, name: str):
    """`/map/layers/<name>/?bbox=min_lon,min_lat,max_lon,max_lat&zoom=Z` as GeoJSON."""
    build = LAYERS.get(name)
    if build is None:
        raise Http404(f"Unknown map layer {name!r}.")
    try:
        box = parse_bbox(request.GET.get("bbox", ""))
    except ValidationError as exc:
        return _bad_request("bbox", exc.messages[0])
    try:
        zoom = int(request.GET.get("zoom", ""))
        if not c.MIN_ZOOM <= zoom <= c.MAX_ZOOM:
            raise ValueError
    except ValueError:
        return _bad_request(
            "zoom",
            _("zoom harus bilangan bulat antara %(min)d dan %(max)d.")
            % {"min": c.MIN_ZOOM, "max": c.MAX_ZOOM},
        )
    response = HttpResponse(build(box, zoom), content_type="application/geo+json")
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


@require_GET
def search_view(request):
    """`/map/search/?q=text`: areas and hotspots whose name (or code, SSID) matches."""
    text = request.GET.get("q", "").strip()
    if len(text) < MIN_SEARCH_LENGTH:
        return _bad_request(
            "q", _("Ketik paling sedikit %(n)d huruf.") % {"n": MIN_SEARCH_LENGTH}
        )
    response = JsonResponse(search(text[:100]))
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response
