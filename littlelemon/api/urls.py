"""/api/v1/: each domain app contributes its own urls.py."""

from django.urls import include, path

urlpatterns = [
    path("", include("littlelemon.accounts.urls")),
    path("", include("littlelemon.menu.urls")),
    path("", include("littlelemon.recommendations.urls")),
    path("", include("littlelemon.restaurant.urls")),
    path("", include("littlelemon.bookings.urls")),
    path("", include("littlelemon.cart.urls")),
    path("", include("littlelemon.orders.urls")),
    path("", include("littlelemon.payments.api_urls")),
    path("", include("littlelemon.notifications.webhooks.urls")),
    path("", include("littlelemon.apikeys.urls")),
]
