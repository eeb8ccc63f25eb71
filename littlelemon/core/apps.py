from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "littlelemon.core"
    label = "core"
    verbose_name = "Core"
