from rest_framework.routers import SimpleRouter

from . import apis

router = SimpleRouter()
router.register("tables", apis.TableViewSet, basename="table")
router.register("bookings", apis.BookingViewSet, basename="booking")

urlpatterns = router.urls
