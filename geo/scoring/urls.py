"""URLs of scores, claims and evidence.

API (included from config/urls.py): `scores_urlpatterns` at /api/scores/, `claims_urlpatterns`
at /api/claims/, `evidence_urlpatterns` at /api/evidence/. Pages: `page_urlpatterns`
(/penilai/ and /penilai/laporan/), to include without a namespace.
"""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, views

router = SimpleRouter()
router.register("", api.ClaimViewSet, basename="claim")

scores_urlpatterns = ([
    path("", api.ScoreList.as_view(), name="list"),
    path("compare/", api.ScoreCompare.as_view(), name="compare"),
    path("runs/", api.ScoreRunList.as_view(), name="runs"),
    path("methodologies/", api.MethodologyList.as_view(), name="methodologies"),
    path("<str:code>/", api.ScoreDetail.as_view(), name="detail"),
], "scores-api")
claims_urlpatterns = (router.urls, "claims-api")
evidence_urlpatterns = ([
    path("", api.EvidencePackView.as_view(), name="pack"),
], "evidence-api")

page_urlpatterns = [
    path("penilai/", views.assessor, name="assessor"),
    path("penilai/laporan/", views.report, name="assessor-report"),
]
