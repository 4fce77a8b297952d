"""OGC API - Features, Part 1: Core (read-only): landing page, conformance, collections,
items with `limit`/`offset`, `bbox` and `datetime`, and single items; JSON and GeoJSON.

The views are DRF views, so they share the API's authentication, throttling and OpenAPI
document (which the landing page links as `service-desc`).
"""

import datetime

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions, renderers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from core.filters import parse_bbox
from core.permissions import can_see_internal

from .collections import COLLECTIONS, CRS84

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
DEFAULT_LIMIT = 10
MAX_LIMIT = 10_000
ITEM_PARAMETERS = {"f", "limit", "offset", "bbox", "bbox-crs", "datetime"}
JSON = "application/json"
GEOJSON = "application/geo+json"
COLLECTION_ID = OpenApiParameter(
    "collection_id",
    str,
    OpenApiParameter.PATH,
    description="Collection: hotspots, facilities, fiber-nodes, fiber-links or areas.",
)
FEATURE_ID = OpenApiParameter(
    "feature_id",
    str,
    OpenApiParameter.PATH,
    description="Feature id: the record's id, or the Kemendagri code for areas.",
)


class JSONRenderer(renderers.JSONRenderer):
    """`application/json` (`f=json`)."""

    format = "json"


class GeoJSONRenderer(renderers.JSONRenderer):
    """`application/geo+json` (`f=geojson`)."""

    media_type = GEOJSON
    format = "geojson"


class OGCNegotiation(DefaultContentNegotiation):
    """Content negotiation by the `f` parameter first, then the Accept header."""

    def select_renderer(self, request, renderers, format_suffix=None):
        """Pick the renderer; an unknown `f` is 406."""
        wanted = request.query_params.get("f")
        if wanted and wanted not in {r.format for r in renderers}:
            raise exceptions.NotAcceptable(
                f"f={wanted} is not offered here; use one of "
                f"{', '.join(r.format for r in renderers)}."
            )
        return super().select_renderer(request, renderers, format_suffix=wanted or format_suffix)


class OGCError(exceptions.APIException):
    """An error in the OGC exception format (`code`, `description`)."""

    def __init__(self, status_code: int, code: str, description: str):
        self.status_code = status_code
        super().__init__({"code": code, "description": description})


class OGCView(APIView):
    """Base of the OGC views: public, read-only, JSON."""

    permission_classes = [permissions.AllowAny]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = OGCNegotiation

    def url(self, name: str, query: str = "", **kwargs) -> str:
        """Absolute URL of an OGC route."""
        path = reverse(f"ogc:{name}", kwargs=kwargs)
        return self.request.build_absolute_uri(path + (f"?{query}" if query else ""))

    def collection(self, collection_id: str):
        """The collection, or a 404."""
        try:
            return COLLECTIONS[collection_id]
        except KeyError:
            raise OGCError(
                404, "NotFound", f"No collection {collection_id!r}; see {self.url('collections')}."
            ) from None

    def describe(self, collection) -> dict:
        """Metadata of one collection."""
        items = self.url("items", collection_id=collection.id)
        return {
            "id": collection.id,
            "title": collection.title,
            "description": collection.description,
            "itemType": "feature",
            "crs": [CRS84],
            "extent": collection.extent(),
            "links": [
                {"href": self.url("collection", collection_id=collection.id), "rel": "self",
                 "type": JSON, "title": collection.title},
                {"href": items, "rel": "items", "type": GEOJSON, "title": "Features (GeoJSON)"},
            ],
        }


class LandingPage(OGCView):
    """The landing page: what this service is and where its parts are."""

    @extend_schema(operation_id="ogc_landing_page", responses=OpenApiTypes.OBJECT, tags=["ogc"])
    def get(self, request):
        """Landing page."""
        schema = request.build_absolute_uri(reverse("api-schema")) + "?format=json"
        return Response(
            {
                "title": "Simpul - OGC API Features",
                "description": "Free wifi, public facilities, fiber and administrative areas "
                "of the registry, read-only.",
                "links": [
                    {"href": self.url("landing"), "rel": "self", "type": JSON,
                     "title": "This document"},
                    {"href": schema, "rel": "service-desc",
                     "type": "application/vnd.oai.openapi+json;version=3.0",
                     "title": "OpenAPI definition"},
                    {"href": request.build_absolute_uri(reverse("api-docs")),
                     "rel": "service-doc", "type": "text/html", "title": "API documentation"},
                    {"href": self.url("conformance"), "rel": "conformance", "type": JSON,
                     "title": "Conformance classes"},
                    {"href": self.url("collections"), "rel": "data", "type": JSON,
                     "title": "Collections"},
                ],
            }
        )


class Conformance(OGCView):
    """The conformance classes this service implements."""

    @extend_schema(operation_id="ogc_conformance", responses=OpenApiTypes.OBJECT, tags=["ogc"])
    def get(self, request):
        """Conformance declaration."""
        return Response({"conformsTo": CONFORMANCE})


class Collections(OGCView):
    """All collections."""

    @extend_schema(operation_id="ogc_collections", responses=OpenApiTypes.OBJECT, tags=["ogc"])
    def get(self, request):
        """Collections."""
        return Response(
            {
                "links": [{"href": self.url("collections"), "rel": "self", "type": JSON}],
                "collections": [self.describe(c) for c in COLLECTIONS.values()],
            }
        )


class CollectionDetail(OGCView):
    """One collection."""

    @extend_schema(
        operation_id="ogc_collection",
        parameters=[COLLECTION_ID],
        responses=OpenApiTypes.OBJECT,
        tags=["ogc"],
    )
    def get(self, request, collection_id):
        """Collection metadata."""
        return Response(self.describe(self.collection(collection_id)))


def parse_datetime_param(value: str) -> tuple[datetime.date | None, datetime.date | None]:
    """An RFC 3339 instant or interval (`a/b`, `../b`, `a/..`) as (start, end) dates."""

    def one(text: str) -> datetime.date | None:
        text = text.strip()
        if text in ("", ".."):
            return None
        moment = parse_datetime(text.replace("z", "Z"))
        if moment is not None:
            return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
        day = parse_date(text)
        if day is None:
            raise ValueError(text)
        return day

    try:
        if "/" in value:
            start_text, end_text = value.split("/", 1)
            start, end = one(start_text), one(end_text)
            if start is None and end is None:
                raise ValueError(value)
            if start and end and start > end:
                raise ValueError(value)
            return start, end
        day = one(value)
        if day is None:
            raise ValueError(value)
        return day, day
    except ValueError:
        raise OGCError(
            400,
            "InvalidParameterValue",
            f"datetime={value!r} is not an RFC 3339 date or date-time, nor an interval "
            "like 2024-01-01/2024-12-31, ../2024-12-31 or 2024-01-01/..",
        ) from None


def _whole(request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise OGCError(
            400,
            "InvalidParameterValue",
            f"{name} must be a whole number from {low} to {high}; got {raw!r}.",
        )
    return int(raw)


ITEMS_PARAMETERS = [
    OpenApiParameter(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        description=f"Features per page (1 to {MAX_LIMIT}, default {DEFAULT_LIMIT}).",
    ),
    OpenApiParameter(
        "offset",
        {"type": "integer", "minimum": 0, "default": 0},
        description="Features to skip (for paging; the `next` link sets it).",
    ),
    OpenApiParameter("bbox", str, description="`min_lon,min_lat,max_lon,max_lat` in CRS84: "
                     "features intersecting the box."),
    OpenApiParameter("bbox-crs", str, description=f"Only {CRS84} is supported."),
    OpenApiParameter("datetime", str, description="Features in service at an instant "
                     "(`2024-06-01`) or during an interval (`2024-01-01/2024-12-31`, "
                     "`../2024-12-31`, `2024-01-01/..`). Areas ignore it."),
    OpenApiParameter("f", str, enum=["geojson", "json"], description="Output format."),
    OpenApiParameter("format", exclude=True),
]



class Items(OGCView):
    """Features of a collection, one page at a time."""

    renderer_classes = [GeoJSONRenderer, JSONRenderer]

    @extend_schema(
        operation_id="ogc_items",
        parameters=[COLLECTION_ID, *ITEMS_PARAMETERS],
        responses=OpenApiTypes.OBJECT,
        tags=["ogc"],
    )
    def get(self, request, collection_id):
        """Features (GeoJSON FeatureCollection with paging links)."""
        collection = self.collection(collection_id)
        unknown = sorted(set(request.query_params) - ITEM_PARAMETERS)
        if unknown:
            raise OGCError(
                400,
                "InvalidParameterValue",
                f"Unknown query parameter(s): {', '.join(unknown)}; this service accepts "
                f"{', '.join(sorted(ITEM_PARAMETERS))}.",
            )
        limit = _whole(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        offset = _whole(request, "offset", 0, 0, 10**9)
        queryset = collection.queryset()
        crs = request.query_params.get("bbox-crs", CRS84)
        if crs != CRS84:
            raise OGCError(400, "InvalidParameterValue", f"bbox-crs must be {CRS84}.")
        if "bbox" in request.query_params:
            try:
                box = parse_bbox(request.query_params["bbox"])
            except ValidationError as exc:
                raise OGCError(400, "InvalidParameterValue", f"bbox: {exc.messages[0]}") from exc
            queryset = queryset.filter(**{f"{collection.geometry_field}__intersects": box})
        if "datetime" in request.query_params:
            start, end = parse_datetime_param(request.query_params["datetime"])
            queryset = collection.in_time(queryset, start, end)

        matched = queryset.count()
        page = list(queryset[offset : offset + limit])
        context = {"request": request, "internal": can_see_internal(request.user,
                                                                    collection.model)}
        features = collection.serializer(page, many=True, context=context).data["features"]
        media = GEOJSON if request.accepted_renderer.format == "geojson" else JSON
        links = [{"href": request.build_absolute_uri(), "rel": "self", "type": media}]
        if offset + limit < matched:
            links.append(self._page_link(request, "next", offset + limit, limit, media))
        if offset > 0:
            links.append(self._page_link(request, "prev", max(0, offset - limit), limit, media))
        links.append({"href": self.url("collection", collection_id=collection.id),
                      "rel": "collection", "type": JSON})
        return Response(
            {
                "type": "FeatureCollection",
                "timeStamp": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
                "numberMatched": matched,
                "numberReturned": len(features),
                "features": features,
                "links": links,
            }
        )

    @staticmethod
    def _page_link(request, rel, offset, limit, media):
        query = request.query_params.copy()
        query["offset"] = str(offset)
        query["limit"] = str(limit)
        href = request.build_absolute_uri(request.path) + "?" + query.urlencode(safe=",/:")
        return {"href": href, "rel": rel, "type": media}


class Item(OGCView):
    """One feature."""

    renderer_classes = [GeoJSONRenderer, JSONRenderer]

    @extend_schema(
        operation_id="ogc_item",
        parameters=[
            COLLECTION_ID,
            FEATURE_ID,
            OpenApiParameter("f", str, enum=["geojson", "json"], description="Output format."),
            OpenApiParameter("format", exclude=True),
        ],
        responses=OpenApiTypes.OBJECT,
        tags=["ogc"],
    )
    def get(self, request, collection_id, feature_id):
        """A single feature (GeoJSON Feature)."""
        collection = self.collection(collection_id)
        lookup = {collection.id_field: feature_id}
        if collection.id_field == "pk" and not feature_id.isdigit():
            lookup = None
        instance = collection.queryset().filter(**lookup).first() if lookup else None
        if instance is None:
            raise OGCError(404, "NotFound", f"No feature {feature_id!r} in {collection.id}.")
        context = {"request": request, "internal": can_see_internal(request.user,
                                                                    collection.model)}
        feature = dict(collection.serializer(instance, context=context).data)
        items = self.url("items", collection_id=collection.id)
        feature["links"] = [
            {"href": request.build_absolute_uri(), "rel": "self", "type": GEOJSON},
            {"href": self.url("collection", collection_id=collection.id), "rel": "collection",
             "type": JSON},
            {"href": items, "rel": "items", "type": GEOJSON},
        ]
        return Response(feature)
