"""Routes of the registry API, under /api/ (kebab-case plural names)."""

from rest_framework.routers import SimpleRouter

from .views import FacilityViewSet, FiberLinkViewSet, FiberNodeViewSet, HotspotViewSet

app_name = "inventory-api"

router = SimpleRouter()
router.register("hotspots", HotspotViewSet, basename="hotspot")
router.register("facilities", FacilityViewSet, basename="facility")
router.register("fiber-nodes", FiberNodeViewSet, basename="fiber-node")
router.register("fiber-links", FiberLinkViewSet, basename="fiber-link")

urlpatterns = router.urls
