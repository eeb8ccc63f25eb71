from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "littlelemon.live"
    label = "live"
    verbose_name = "Live updates"

    def ready(self) -> None:
        from littlelemon.events.signals import event_committed

        from .hub import event_committed as wake_hub

        # An event committed in this process: the hub reads it now, not at its next tick.
        event_committed.connect(wake_hub, dispatch_uid="live.hub.wake")
