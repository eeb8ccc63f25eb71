from django_tasks import task

from .expiry import unpaid_orders_expire_now
from .refund_retry import refunds_pending_resubmit_now


@task()
def unpaid_orders_expire() -> int:
    return len(unpaid_orders_expire_now())


@task()
def refunds_pending_resubmit() -> int:
    return len(refunds_pending_resubmit_now())
