"""The staff screens, namespace `staff` (under /staff/)."""

from django.urls import path

from .views import board, deliveries, home, kitchen

app_name = "staff"

urlpatterns = [
    path("", home.home, name="home"),
    path("kitchen/", kitchen.kitchen, name="kitchen"),
    path("kitchen/board/", kitchen.kitchen_board, name="kitchen_board"),
    path("kitchen/orders/<int:order_id>/status/", kitchen.kitchen_order_status, name="kitchen_order_status"),
    path("kitchen/station/", kitchen.kitchen_station_choose, name="kitchen_station"),
    path("kitchen/stations/", kitchen.stations, name="kitchen_stations"),
    path("kitchen/stations/<int:station_id>/", kitchen.station_edit, name="kitchen_station_edit"),
    path("kitchen/stations/<int:station_id>/delete/", kitchen.station_delete, name="kitchen_station_delete"),
    path("orders/", board.board, name="orders"),
    path("deliveries/", deliveries.deliveries, name="deliveries"),
]
