from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "littlelemon.demo"
    label = "demo"
    verbose_name = "Demo data"
