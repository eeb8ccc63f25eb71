"""What the delivery-crew app reads: a driver's deliveries, the ready orders nobody is bringing
(when drivers may take them), and what they delivered today. Scoped here, once: a driver reads
only orders assigned to them, plus the takeable ones while settings.DELIVERY_CREW_TAKES_READY_ORDERS.

A fixed number of queries whatever the number of orders: one per list, one for all their items.
"""

from dataclasses import dataclass, field
from datetime import datetime, time

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from littlelemon.accounts.models import User
from littlelemon.restaurant.selectors import restaurant_tz

from .enums import TERMINAL_STATUSES, Fulfilment, OrderStatus
from .exceptions import OrderNotFound
from .models import Order
from .selectors import order_item_rows
from .transitions import TAKEABLE_STATUSES, may_take_orders

# What a driver's screen shows of an order and its customer.
DELIVERY_SHOWN = (
    "created",
    "updated",
    "customer",
    "status",
    "fulfilment",
    "delivery_address",
    "scheduled_for",
    "notes",
    "delivery_crew",
    "total",
    "payment_method",
    "payment_status",
    "estimated_ready_at",
    "finished_at",
    "guest_name",  # a guest's order has no customer: whom to ask for, whom to call
    "guest_phone",
)
CUSTOMER_SHOWN = ("username", "first_name", "last_name", "phone")
TAKEABLE_LIMIT = 20
DELIVERED_TODAY_LIMIT = 10

# The driver's own list: on the road first, then waiting at the pass, then still in the kitchen.
_STATUS_RANK = Case(
    When(status=OrderStatus.OUT_FOR_DELIVERY, then=Value(0)),
    When(status=OrderStatus.READY, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def _orders() -> QuerySet[Order]:
    return Order.objects.select_related("customer").only(
        *DELIVERY_SHOWN, *(f"customer__{name}" for name in CUSTOMER_SHOWN)
    )


@dataclass
class CrewDeliveries:
    mine: list[Order]  # assigned to the driver, not finished
    takeable: list[Order]  # ready, no driver (empty when drivers may not take orders)
    delivered_today: list[Order]  # delivered by the driver since the restaurant's midnight, latest first
    may_take: bool
    items: dict[int, list[tuple]] = field(default_factory=dict)  # order id -> `order_item_rows` rows


def crew_deliveries(*, user: User, now: datetime | None = None) -> CrewDeliveries:
    """The driver's screen: their open deliveries, the takeable orders, today's delivered ones,
    and the items of the first two. Four queries (three when taking is off)."""
    now = now or timezone.now()
    mine = list(
        _orders()
        .filter(delivery_crew=user, fulfilment=Fulfilment.DELIVERY)
        .exclude(status__in=TERMINAL_STATUSES)
        .order_by(_STATUS_RANK, "created", "id")
    )
    may_take = may_take_orders(user)
    takeable = list(takeable_orders()[:TAKEABLE_LIMIT]) if may_take else []
    midnight = datetime.combine(now.astimezone(restaurant_tz()).date(), time(0), tzinfo=restaurant_tz())
    delivered_today = list(
        Order.objects.select_related("delivery_proof")
        .only("status", "delivery_address", "finished_at", "delivery_proof__recipient_name", "delivery_proof__at")
        .filter(delivery_crew=user, status=OrderStatus.DELIVERED, finished_at__gte=midnight)
        .order_by("-finished_at", "-id")[:DELIVERED_TODAY_LIMIT]
    )
    items = order_item_rows(order_ids=[order.pk for order in (*mine, *takeable)])
    return CrewDeliveries(mine=mine, takeable=takeable, delivered_today=delivered_today, may_take=may_take, items=items)


def takeable_orders() -> QuerySet[Order]:
    """Ready delivery orders nobody was assigned, oldest first (what a driver may take)."""
    return (
        _orders()
        .filter(fulfilment=Fulfilment.DELIVERY, status__in=TAKEABLE_STATUSES, delivery_crew__isnull=True)
        .order_by("created", "id")
    )


def crew_delivery_get(*, user: User, order_id: int) -> Order:
    """One order on the driver's screen: assigned to them (any status), or takeable when they may
    take orders. Raises OrderNotFound (404) for anything else, another driver's order included."""
    order = _orders().filter(pk=order_id, delivery_crew=user).first()
    if order is None and may_take_orders(user):
        order = takeable_orders().filter(pk=order_id).first()
    if order is None:
        raise OrderNotFound()
    return order
