from datetime import timedelta

from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "littlelemon.orders"
    label = "orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        from littlelemon.core.periodic import periodic_register

        from .tasks import idempotency_keys_expire, orders_unaccepted_reject

        periodic_register(orders_unaccepted_reject, every=timedelta(minutes=1))
        periodic_register(idempotency_keys_expire, every=timedelta(hours=1))
