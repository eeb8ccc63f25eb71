from datetime import timedelta

from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "littlelemon.events"
    label = "events"
    verbose_name = "Domain events (outbox)"

    def ready(self) -> None:
        from django.conf import settings

        from littlelemon.core.periodic import periodic_register

        from .tasks import outbox_purge, relay_outbox

        periodic_register(relay_outbox, every=timedelta(seconds=settings.OUTBOX_RELAY_INTERVAL_SECONDS))
        periodic_register(outbox_purge, every=timedelta(hours=1))
