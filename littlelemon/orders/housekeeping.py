"""The orders' periodic jobs (run by `orders/tasks.py`): each idempotent, a second run changes
nothing more.

- `orders_reject_unaccepted`: an order nobody accepts within the restaurant's
  `order_accept_timeout_minutes` (the settings row, edited on /staff/settings/) of becoming due is
  rejected by the system (`order_status_change` with actor None), with a reason the customer
  reads in the rejection e-mail. An order for as soon as possible is due when it is placed. A
  scheduled order is due `order_scheduled_due_minutes` before its time, or when placed if that is
  later: the kitchen may leave tomorrow's order until then, and the customer still hears in time
  to make other plans.
- `idempotency_keys_purge`: an order's Idempotency-Key (and request fingerprint) is forgotten
  IDEMPOTENCY_KEY_TTL_HOURS after the order was placed: a retry comes within minutes, and the
  unique index stays small. The same key sent after that places a new order (if the cart holds one).
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from littlelemon.restaurant.selectors import restaurant_settings_get

from .enums import OrderStatus
from .exceptions import InvalidTransition
from .models import Order
from .transitions import order_status_change

logger = logging.getLogger(__name__)

BATCH = 200
UNACCEPTED_REASON = (
    "The restaurant could not confirm your order in time, so it was cancelled automatically. "
    "We are sorry; nothing is charged."
)


def orders_unaccepted(*, now: datetime, timeout_minutes: int, due_minutes: int) -> list[int]:
    """The ids of placed orders whose time to be accepted has run out, oldest first.

    Due at max(created, scheduled_for - due_minutes); overdue when due + timeout <= now, i.e.
    created <= now - timeout and (no schedule or scheduled_for <= now - timeout + due minutes):
    comparisons on columns, no date arithmetic in SQL."""
    cutoff = now - timedelta(minutes=timeout_minutes)
    scheduled_cutoff = cutoff + timedelta(minutes=due_minutes)
    return list(
        Order.objects.filter(status=OrderStatus.PLACED, created__lte=cutoff)
        .filter(Q(scheduled_for__isnull=True) | Q(scheduled_for__lte=scheduled_cutoff))
        .order_by("pk")
        .values_list("pk", flat=True)[:BATCH]
    )


def orders_reject_unaccepted(*, now: datetime | None = None) -> list[int]:
    """Reject every overdue placed order (see the module); returns the ids rejected. An order
    accepted or cancelled meanwhile is left alone (the transition re-reads it under its lock).
    The settings row's `order_accept_timeout_minutes` = 0 turns it off."""
    rules = restaurant_settings_get()
    if rules.order_accept_timeout_minutes <= 0:
        return []
    rejected = []
    overdue = orders_unaccepted(
        now=now or timezone.now(),
        timeout_minutes=rules.order_accept_timeout_minutes,
        due_minutes=rules.order_scheduled_due_minutes,
    )
    for order_id in overdue:
        try:
            order_status_change(order=order_id, actor=None, status=OrderStatus.REJECTED, note=UNACCEPTED_REASON)
        except InvalidTransition:
            continue  # accepted, rejected or cancelled since the list was read
        rejected.append(order_id)
    if rejected:
        logger.info("rejected %d orders nobody accepted in time: %s", len(rejected), rejected)
    return rejected


def idempotency_keys_purge(*, now: datetime | None = None) -> int:
    """Forget the Idempotency-Keys of orders placed more than IDEMPOTENCY_KEY_TTL_HOURS ago, in
    one UPDATE. Returns how many orders had one."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    return (
        Order.objects.filter(created__lt=cutoff)
        .exclude(idempotency_key="")
        .update(idempotency_key="", request_fingerprint="")
    )
