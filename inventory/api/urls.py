"""Routes of the registry API, all under /api/ (kebab-case plural names).

    /api/hotspots/, /api/facilities/, /api/fiber-nodes/, /api/fiber-links/   the layers
    /api/hotspots/<id>/reports/        public report submission and counts
    /api/hotspots/<id>/reports/form/   the page form's target (HTML redirect or JSON; CSRF)
    /api/reports/, /api/reports/<id>/  the editors' moderation queue
    POST /api/import/<layer>/          import a file (editors)
    GET  /api/export/<layer>.<format>  download a layer

Each group keeps its own URL namespace (`inventory-api`, `reports`, `inventory-io`). The
report routes come first: they are more specific than the layer routes.
"""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from inventory import views as report_pages

from .views import assets, io, reports

registry_router = SimpleRouter()
registry_router.register("hotspots", assets.HotspotViewSet, basename="hotspot")
registry_router.register("facilities", assets.FacilityViewSet, basename="facility")
registry_router.register("fiber-nodes", assets.FiberNodeViewSet, basename="fiber-node")
registry_router.register("fiber-links", assets.FiberLinkViewSet, basename="fiber-link")

report_router = SimpleRouter()
report_router.register("reports", reports.ReportViewSet, basename="report")

report_urlpatterns = [
    path("hotspots/<int:pk>/reports/", reports.HotspotReportsView.as_view(),
         name="hotspot-reports"),
    path("hotspots/<int:pk>/reports/form/", report_pages.submit_report_form, name="form"),
    *report_router.urls,
]
io_urlpatterns = [
    path("import/<str:layer>/", io.ImportView.as_view(), name="import"),
    path("export/<str:layer>.<str:fmt>", io.ExportView.as_view(), name="export"),
]

urlpatterns = [
    path("", include((report_urlpatterns, "reports"))),
    path("", include((io_urlpatterns, "inventory-io"))),
    path("", include((registry_router.urls, "inventory-api"))),
]
