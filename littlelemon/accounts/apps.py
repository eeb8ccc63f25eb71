from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "littlelemon.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from . import (
            ratelimit,  # noqa: F401  (connects the log-in limits to Django's auth signals)
            two_factor,  # noqa: F401  (keeps a staff session's two-factor state from log-in on)
        )
