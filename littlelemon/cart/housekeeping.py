"""The carts' periodic job (run by `cart/tasks.py`): guest carts nobody used for
GUEST_CART_TTL_DAYS are deleted with their lines, whether the API's (`X-Cart-Token`) or a web
visitor's (its token in their session, which then reads as an empty cart). A cart is *used* when
something is written to it (`services.guest_cart_touch`, at most once an hour). Orders placed from
one keep their guest details; only their link to the cart goes (it held their idempotency keys,
which have expired long before: IDEMPOTENCY_KEY_TTL_HOURS). Idempotent: a second run deletes
nothing more.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import GuestCart

BATCH = 1000  # carts a run deletes at most: the next run takes the rest


def guest_carts_purge(*, now: datetime | None = None) -> int:
    """Delete up to BATCH guest carts not used for GUEST_CART_TTL_DAYS (their lines go with
    them); returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.GUEST_CART_TTL_DAYS)
    old = list(GuestCart.objects.filter(last_seen__lt=cutoff).order_by("pk").values_list("pk", flat=True)[:BATCH])
    if not old:
        return 0
    GuestCart.objects.filter(pk__in=old).delete()
    return len(old)
