"""Routes of citizen reports, included by config/urls.py with `path("api/", include(...))`.

    /api/hotspots/<id>/reports/        public submission (JSON/form) and counts (API)
    /api/hotspots/<id>/reports/form/   the page form's target (HTML redirect or JSON; CSRF)
    /api/reports/, /api/reports/<id>/  the editors' moderation queue (API)
"""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, views

app_name = "reports"

router = SimpleRouter()
router.register("reports", api.ReportViewSet, basename="report")

urlpatterns = [
    path("hotspots/<int:pk>/reports/", api.HotspotReportsView.as_view(), name="hotspot-reports"),
    path("hotspots/<int:pk>/reports/form/", views.submit_report_form, name="form"),
    *router.urls,
]
