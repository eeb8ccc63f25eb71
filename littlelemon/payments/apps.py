from datetime import timedelta

from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "littlelemon.payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        from littlelemon.core.periodic import periodic_register

        from .tasks import refunds_pending_resubmit, unpaid_orders_expire

        periodic_register(unpaid_orders_expire, every=timedelta(minutes=1))
        periodic_register(refunds_pending_resubmit, every=timedelta(minutes=1))
