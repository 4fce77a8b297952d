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
