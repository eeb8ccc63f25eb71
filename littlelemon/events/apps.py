from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "littlelemon.events"
    label = "events"
    verbose_name = "Domain events (outbox)"
