"""The staff screens, namespace `staff` (under /staff/)."""

from django.urls import path

from .views import board, deliveries, home, kitchen

app_name = "staff"

urlpatterns = [
    path("", home.home, name="home"),
    path("kitchen/", kitchen.kitchen, name="kitchen"),
    path("orders/", board.board, name="orders"),
    path("deliveries/", deliveries.deliveries, name="deliveries"),
    # The delivery-crew app (staff/views/deliveries.py).
    path("deliveries/list/", deliveries.delivery_list, name="delivery_list"),
    path("deliveries/<int:order_id>/", deliveries.delivery, name="delivery"),
    path("deliveries/<int:order_id>/on-my-way/", deliveries.delivery_on_my_way, name="delivery_on_my_way"),
    path("deliveries/<int:order_id>/delivered/", deliveries.delivery_delivered, name="delivery_delivered"),
    path("deliveries/<int:order_id>/take/", deliveries.delivery_take, name="delivery_take"),
    path("deliveries/<int:order_id>/photo/", deliveries.delivery_proof_photo, name="delivery_proof_photo"),
    path("deliveries/manifest.webmanifest", deliveries.manifest, name="deliveries_manifest"),
    path("deliveries/sw.js", deliveries.service_worker, name="deliveries_sw"),
    path("deliveries/offline/", deliveries.offline, name="deliveries_offline"),
]
