from django.apps import AppConfig
from django.core.signals import request_finished


class ObservabilityConfig(AppConfig):
    name = "littlelemon.observability"
    label = "observability"
    verbose_name = "Observability"

    def ready(self) -> None:
        from .requests import forget_request

        request_finished.connect(forget_request, dispatch_uid="littlelemon.observability.forget_request")
