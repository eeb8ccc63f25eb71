from django.apps import AppConfig


class KitchenConfig(AppConfig):
    name = "littlelemon.kitchen"
    label = "kitchen"
    verbose_name = "Kitchen"
