from django.apps import AppConfig


class ApiKeysConfig(AppConfig):
    """API keys for integrations (a POS, a delivery aggregator, a kiosk): issued with scopes by
    managers and admins, shown once, stored hashed, accepted by the API as `Api-Key <key>`."""

    name = "littlelemon.apikeys"
    label = "apikeys"
    verbose_name = "API keys"

    def ready(self) -> None:
        from . import schema  # noqa: F401 (registers the authentication scheme with drf-spectacular)
