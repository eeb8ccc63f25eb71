"""Refunds asked of Stripe whose answer never came (the periodic job in tasks.py).

A refund online is asked of Stripe after the commit that created it (`services.refund_submit`).
If that call never ran (the process stopped in between) or got no answer (a connection error, a
timeout, a 5xx), the refund stays pending: Stripe may or may not have made it, and it still
counts against what is left of the payment, so no second refund can pay the customer twice.
This job asks Stripe again, with the same idempotency key `refund-<id>`: Stripe then either makes
it or answers with the refund it made the first time. Idempotent: a refund answered is no longer
pending without Stripe's id, so a second run asks nothing.

Stripe keeps an idempotency key for 24 hours; a refund still unanswered after that is left to
its webhook (which confirms it whenever Stripe sends it) and to a manager with Stripe's dashboard.
"""

import logging
from datetime import datetime, timedelta

from django.utils import timezone

from . import services
from .enums import Provider, RefundStatus
from .models import Refund

logger = logging.getLogger(__name__)

BATCH = 100
# Long enough that the after-commit call of a refund just made has had its answer.
RESUBMIT_AFTER = timedelta(minutes=5)
IDEMPOTENCY_WINDOW = timedelta(hours=24)


def refunds_pending_resubmit_now(*, now: datetime | None = None) -> list[int]:
    """Ask Stripe again for every online refund pending without Stripe's id, made between
    RESUBMIT_AFTER and IDEMPOTENCY_WINDOW ago; returns the ids of those Stripe has now answered
    (succeeded, failed, or pending with Stripe's id)."""
    now = now or timezone.now()
    ids = list(
        Refund.objects.filter(
            status=RefundStatus.PENDING,
            provider_id="",
            payment__provider=Provider.STRIPE,
            created__lte=now - RESUBMIT_AFTER,
            created__gt=now - IDEMPOTENCY_WINDOW,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    answered = []
    for refund_id in ids:
        refund = services.refund_submit(refund_id=refund_id)
        if refund.status != RefundStatus.PENDING or refund.provider_id:
            answered.append(refund_id)
    if ids:
        logger.info("asked Stripe again for %d pending refunds; answered: %s", len(ids), answered)
    return answered
