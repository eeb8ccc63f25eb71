from django.apps import AppConfig


class MenuConfig(AppConfig):
    name = "littlelemon.menu"
    label = "menu"
    verbose_name = "Menu"
