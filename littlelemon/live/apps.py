from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "littlelemon.live"
    label = "live"
    verbose_name = "Live updates"
