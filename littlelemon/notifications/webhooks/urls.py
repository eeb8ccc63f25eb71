from rest_framework.routers import SimpleRouter

from . import apis

router = SimpleRouter()
router.register("webhooks", apis.WebhookEndpointViewSet, basename="webhook")

urlpatterns = router.urls
