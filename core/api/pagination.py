"""Pagination of the REST API: page numbers, with a client-chosen page size up to 1,000."""

from rest_framework import pagination
from rest_framework_gis.pagination import GeoJsonPagination

MAX_PAGE_SIZE = 1000


class PagePagination(pagination.PageNumberPagination):
    """`?page=` and `?page_size=` (default REST_FRAMEWORK PAGE_SIZE, at most 1,000)."""

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


class FeaturePagination(GeoJsonPagination):
    """The same for GeoJSON: a FeatureCollection with `count`, `next` and `previous` members."""

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_paginated_response_schema(self, schema):
        """The page is the FeatureCollection itself (`schema`) plus the paging members.

        drf-gis's own version expects the schema of the feature array, but drf-spectacular
        hands it the whole FeatureCollection, which gave a schema that no page matches.
        """
        page_members = {
            "type": "object",
            "required": ["count", "next", "previous"],
            "properties": {
                "count": {"type": "integer", "example": 123},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
            },
        }
        return {"allOf": [schema, page_members]}

