from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "littlelemon.orders"
    label = "orders"
    verbose_name = "Orders"
