"""Routes of the OGC API - Features service (mounted at /ogc/; trailing slash optional)."""

from django.urls import path, re_path

from . import views

app_name = "ogc"

COLLECTION = r"(?P<collection_id>[a-z0-9-]+)"

urlpatterns = [
    path("", views.LandingPage.as_view(), name="landing"),
    re_path(r"^conformance/?$", views.Conformance.as_view(), name="conformance"),
    re_path(r"^collections/?$", views.Collections.as_view(), name="collections"),
    re_path(rf"^collections/{COLLECTION}/?$", views.CollectionDetail.as_view(),
            name="collection"),
    re_path(rf"^collections/{COLLECTION}/items/?$", views.Items.as_view(), name="items"),
    re_path(rf"^collections/{COLLECTION}/items/(?P<feature_id>[^/]+)/?$", views.Item.as_view(),
            name="item"),
]
