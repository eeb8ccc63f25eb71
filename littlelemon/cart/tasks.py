from django_tasks import task

from .housekeeping import guest_carts_purge


@task()
def guest_carts_expire() -> int:
    return guest_carts_purge()
