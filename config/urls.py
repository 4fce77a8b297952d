"""Root URL configuration."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from geo.scoring import urls as scoring_urls

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (no inline script: CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
         name="api-docs"),
    path("api/coverage/", include("geo.coverage.urls")),
    path("api/", include("inventory.reports.urls")),
    path("api/scores/", include(scoring_urls.scores_urlpatterns)),
    path("api/claims/", include(scoring_urls.claims_urlpatterns)),
    path("api/evidence/", include(scoring_urls.evidence_urlpatterns)),
    path("api/", include("inventory.io.urls")),
    path("api/", include("inventory.api.urls")),
    path("api/", include("geo.api.urls")),
    path("ogc/", include("geo.ogc.urls")),
    path("map/", include("geo.maps.urls")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("geo.urls")),
    path("", include(scoring_urls.page_urlpatterns)),
    prefix_default_language=False,
)
