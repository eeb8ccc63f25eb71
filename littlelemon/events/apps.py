from datetime import timedelta

from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "littlelemon.events"
    label = "events"
    verbose_name = "Domain events (outbox)"

    def ready(self) -> None:
        from littlelemon.core.periodic import periodic_register

        from .tasks import outbox_purge, relay_outbox

        # The relay also runs after each commit that writes an event; this catches retries that
        # came due and anything whose enqueue was lost.
        periodic_register(relay_outbox, every=timedelta(minutes=1))
        periodic_register(outbox_purge, every=timedelta(hours=1))
