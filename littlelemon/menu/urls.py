from rest_framework.routers import SimpleRouter

from . import apis

router = SimpleRouter()
router.register("categories", apis.CategoryViewSet, basename="category")
router.register("menu-items", apis.MenuItemViewSet, basename="menuitem")

urlpatterns = router.urls
