"""The staff screens, namespace `staff` (under /staff/)."""

from django.urls import path

from .views import board, deliveries, home, kitchen

app_name = "staff"

urlpatterns = [
    path("", home.home, name="home"),
    path("kitchen/", kitchen.kitchen, name="kitchen"),
    path("orders/", board.board, name="orders"),
    path("deliveries/", deliveries.deliveries, name="deliveries"),
]
