from datetime import timedelta

from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "littlelemon.cart"
    label = "cart"
    verbose_name = "Carts"

    def ready(self) -> None:
        from littlelemon.core.periodic import periodic_register

        from .tasks import guest_carts_expire

        periodic_register(guest_carts_expire, every=timedelta(hours=1))
