from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "littlelemon.web"
    label = "web"
    verbose_name = "Customer web pages"
