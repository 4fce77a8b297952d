"""Root URL configuration."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from geo import urls as page_urls

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (no inline script: CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
         name="api-docs"),
    path("api/auth/", include("core.api.urls")),
    path("api/", include("inventory.api.urls")),
    path("api/", include("geo.api.urls")),
    path("ogc/", include("geo.ogc.urls")),
    path("map/", include("geo.maps.urls")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("geo.urls")),
    path("", include(page_urls.assessor_urlpatterns)),
    prefix_default_language=False,
)
