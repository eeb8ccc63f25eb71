"""Recomputing the recommender's scores from the orders (the background job's work).

`recommendations_recompute` reads the order history in one query, scores it with `scoring`
(pure functions, the ones the offline evaluation measures) and replaces both tables in one
transaction, so a request sees either the old scores or the new ones. `recommendations_due`
says whether it is time: never computed, older than RECOMMENDATIONS_RECOMPUTE_HOURS, or at
least RECOMMENDATIONS_RECOMPUTE_AFTER_ORDERS new orders since.
"""

import logging
import time
import zoneinfo
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from littlelemon.menu.models import MenuItem
from littlelemon.orders.models import Order, OrderItem

from . import scoring
from .models import ItemPair, ItemPopularity, RecommendationState
from .scoring import Basket

logger = logging.getLogger(__name__)

# Orders that never were a customer's choice: waiting for a card payment, or expired unpaid.
NOT_CHOSEN = ("pending_payment", "expired")
BATCH = 2000


def baskets_from_orders() -> Iterator[Basket]:
    """Every order as a Basket (local time, distinct dishes still on the menu), oldest first: one
    query, streamed."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    rows = (
        OrderItem.objects.filter(menuitem__isnull=False)
        .exclude(order__status__in=NOT_CHOSEN)
        .order_by("order_id")
        .values_list("order_id", "order__customer_id", "order__created", "menuitem_id")
        .iterator(chunk_size=BATCH)
    )
    current, customer, at, items = None, None, None, []
    for order_id, customer_id, created, dish in rows:
        if order_id != current:
            if current is not None:
                yield Basket(customer=customer, at=at, items=tuple(dict.fromkeys(items)))
            current, customer, at, items = order_id, customer_id, created.astimezone(tz), []
        items.append(dish)
    if current is not None:
        yield Basket(customer=customer, at=at, items=tuple(dict.fromkeys(items)))


def recommendations_state() -> RecommendationState:
    state, _ = RecommendationState.objects.get_or_create(pk=1)
    return state


def recommendations_due(*, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    state = recommendations_state()
    if state.computed_at is None or now - state.computed_at >= timedelta(
        hours=settings.RECOMMENDATIONS_RECOMPUTE_HOURS
    ):
        return True
    new_orders = Order.objects.filter(pk__gt=state.last_order_id).count()
    return new_orders >= settings.RECOMMENDATIONS_RECOMPUTE_AFTER_ORDERS


def recommendations_recompute(*, now: datetime | None = None) -> RecommendationState:
    """Score the whole order history and replace the stored scores (see the module)."""
    started = time.perf_counter()
    now = timezone.localtime(now or timezone.now(), zoneinfo.ZoneInfo(settings.TIME_ZONE))
    last_order_id = Order.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    baskets = list(baskets_from_orders())
    pairs = scoring.pair_scores(baskets)
    slots = scoring.popularity_scores(baskets, now=now)
    with transaction.atomic():
        on_menu = set(MenuItem.objects.values_list("pk", flat=True))
        ItemPair.objects.all().delete()
        ItemPopularity.objects.all().delete()
        ItemPair.objects.bulk_create(
            (
                ItemPair(item_id=item, other_id=other, score=score, support=support)
                for item, partners in pairs.items()
                if item in on_menu
                for other, score, support in partners
                if other in on_menu
            ),
            batch_size=BATCH,
        )
        ItemPopularity.objects.bulk_create(
            (
                ItemPopularity(item_id=item, weekday=weekday, daypart=daypart, share=share)
                for (weekday, daypart), shares in slots.items()
                for item, share in shares.items()
                if item in on_menu
            ),
            batch_size=BATCH,
        )
        state = recommendations_state()
        state.computed_at = timezone.now()
        state.orders_seen = len(baskets)
        state.last_order_id = last_order_id
        state.seconds = time.perf_counter() - started
        state.save()
    logger.info("recommendations recomputed from %d orders in %.2f s", state.orders_seen, state.seconds)
    return state
