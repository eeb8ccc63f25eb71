from django_tasks import task

from .housekeeping import idempotency_keys_purge, orders_reject_unaccepted


@task()
def orders_unaccepted_reject() -> int:
    return len(orders_reject_unaccepted())


@task()
def idempotency_keys_expire() -> int:
    return idempotency_keys_purge()
