from django.apps import AppConfig


class RestaurantConfig(AppConfig):
    name = "littlelemon.restaurant"
    label = "restaurant"
    verbose_name = "Restaurant"
