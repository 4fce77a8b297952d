"""URLs of the coverage API (mounted at /api/coverage/)."""

from django.urls import path

from . import api

app_name = "coverage-api"

urlpatterns = [
    path("", api.AreaCoverageList.as_view(), name="areas"),
    path("white-zones/", api.WhiteZoneList.as_view(), name="white-zones"),
    path("facilities/", api.FacilityAccessList.as_view(), name="facilities"),
    path("runs/", api.RunList.as_view(), name="runs"),
    path("runs/<int:pk>/", api.RunDetail.as_view(), name="run-detail"),
    path("what-if/", api.WhatIf.as_view(), name="what-if"),
]
