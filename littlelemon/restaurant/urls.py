from django.urls import path
from rest_framework.routers import SimpleRouter

from . import apis

router = SimpleRouter()
router.register("opening-hours", apis.OpeningHoursViewSet, basename="opening-hours")
router.register("closures", apis.ClosureViewSet, basename="closure")

urlpatterns = [path("settings/", apis.RestaurantSettingsApi.as_view(), name="restaurant-settings"), *router.urls]
