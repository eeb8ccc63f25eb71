from django_tasks import task

from .expiry import unpaid_orders_expire_now


@task()
def unpaid_orders_expire() -> int:
    return len(unpaid_orders_expire_now())
