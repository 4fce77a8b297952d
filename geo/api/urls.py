"""Routes of the geo API, all under /api/: areas, coverage runs, scores, claims, evidence.

Each group keeps its own URL namespace (`geo-api`, `coverage-api`, `scores-api`,
`claims-api`, `evidence-api`).
"""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import areas, coverage, scoring

area_router = SimpleRouter()
area_router.register("areas", areas.AdminAreaViewSet, basename="area")

claim_router = SimpleRouter()
claim_router.register("", scoring.ClaimViewSet, basename="claim")

coverage_urlpatterns = [
    path("", coverage.AreaCoverageList.as_view(), name="areas"),
    path("white-zones/", coverage.WhiteZoneList.as_view(), name="white-zones"),
    path("facilities/", coverage.FacilityAccessList.as_view(), name="facilities"),
    path("runs/", coverage.RunList.as_view(), name="runs"),
    path("runs/<int:pk>/", coverage.RunDetail.as_view(), name="run-detail"),
    path("what-if/", coverage.WhatIf.as_view(), name="what-if"),
]
scores_urlpatterns = [
    path("", scoring.ScoreList.as_view(), name="list"),
    path("compare/", scoring.ScoreCompare.as_view(), name="compare"),
    path("runs/", scoring.ScoreRunList.as_view(), name="runs"),
    path("methodologies/", scoring.MethodologyList.as_view(), name="methodologies"),
    path("<str:code>/", scoring.ScoreDetail.as_view(), name="detail"),
]
evidence_urlpatterns = [
    path("", scoring.EvidencePackView.as_view(), name="pack"),
]

urlpatterns = [
    path("coverage/", include((coverage_urlpatterns, "coverage-api"))),
    path("scores/", include((scores_urlpatterns, "scores-api"))),
    path("claims/", include((claim_router.urls, "claims-api"))),
    path("evidence/", include((evidence_urlpatterns, "evidence-api"))),
    path("", include((area_router.urls, "geo-api"))),
]
