"""Orders waiting for an online payment that never came expire after PAYMENT_EXPIRY_MINUTES
(the periodic job in tasks.py): the order becomes `expired`, its pending attempts cancelled in
the ledger, the customer's cart stays as it was. Idempotent. A payment that succeeds after all
is refunded in full (`services.payment_succeeded`)."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.exceptions import InvalidTransition
from littlelemon.orders.models import Order
from littlelemon.orders.transitions import order_status_change

logger = logging.getLogger(__name__)

BATCH = 200
EXPIRED_NOTE = "No payment arrived in time: the order expired and nothing was charged."


def unpaid_orders_expire_now(*, now: datetime | None = None) -> list[int]:
    """Expire every order that has waited for its payment longer than PAYMENT_EXPIRY_MINUTES;
    returns their ids."""
    cutoff = (now or timezone.now()) - timedelta(minutes=settings.PAYMENT_EXPIRY_MINUTES)
    ids = list(
        Order.objects.filter(status=OrderStatus.PENDING_PAYMENT, created__lte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    expired = []
    for order_id in ids:
        try:
            order_status_change(order=order_id, actor=None, status=OrderStatus.EXPIRED, note=EXPIRED_NOTE)
        except InvalidTransition:
            continue  # paid meanwhile
        expired.append(order_id)
    if expired:
        logger.info("expired %d unpaid orders: %s", len(expired), expired)
    return expired
