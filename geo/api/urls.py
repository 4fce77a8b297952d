"""Routes of the geo API, under /api/. Coverage and score endpoints register here too."""

from rest_framework.routers import SimpleRouter

from .views import AdminAreaViewSet

app_name = "geo-api"

router = SimpleRouter()
router.register("areas", AdminAreaViewSet, basename="area")

urlpatterns = router.urls
