from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "littlelemon.cart"
    label = "cart"
    verbose_name = "Carts"
