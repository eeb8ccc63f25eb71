"""The order lifecycle as data: which status may follow which, and who may move it there.

```
(pending_payment ─►) an order paid online waits here (the system moves it) ─► expired (never paid)
placed ─► accepted ─► preparing ─► ready ─► out_for_delivery ─► delivered   (delivery)
   │          │            │          └──────────────────────► collected   (pickup)
   ├─► rejected (manager; or the system when nobody accepts it in time)
   └─► cancelled (customer while placed; manager until out_for_delivery)

recall (kitchen, manager; within KITCHEN_RECALL_MINUTES of the bump):
              accepted ◄─ preparing ◄─ ready
```

A **recall** undoes the kitchen's last bump (preparing → accepted, ready → preparing): a move
back that is open only for settings.KITCHEN_RECALL_MINUTES after the order's last status change
(`Order.status_changed_at`), so the check needs no query. The time-limited moves are their own
table (`RECALLS`); functions that offer or check them take `now` (they stay pure), and without
`now` they leave recalls out.

The system (`Actor.SYSTEM`, an `actor` of None) is the restaurant's own scheduled jobs
(`orders/tasks.py`); `actors_for` never gives it to a person.

`transitions.order_status_change` is the only writer and enforces this table; the API and the
pages read `transitions_for` to show what a person may do next. Pure functions: no queries.
"""

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings

from littlelemon.apikeys.scopes import ORDERS_WRITE

from .enums import Fulfilment, OrderStatus

S = OrderStatus


class Actor(StrEnum):
    """The capacities in which someone acts on one order."""

    CUSTOMER = "customer"  # the order's own customer
    KITCHEN = "kitchen"
    ASSIGNED_CREW = "assigned_crew"  # the delivery crew member assigned to this order
    MANAGER = "manager"  # managers and admins, and integrations whose API key grants orders:write
    SYSTEM = "system"  # the restaurant's own scheduled jobs (actor None): never a person


A = Actor

ALLOWED: dict[OrderStatus, dict[OrderStatus, frozenset[Actor]]] = {
    # Only littlelemon/payments moves an order out of here: placed when its payment succeeded,
    # expired when it never did (declined, abandoned) within PAYMENT_EXPIRY_MINUTES.
    S.PENDING_PAYMENT: {
        S.PLACED: frozenset({A.SYSTEM}),
        S.EXPIRED: frozenset({A.SYSTEM}),
    },
    S.PLACED: {
        S.ACCEPTED: frozenset({A.MANAGER}),
        S.REJECTED: frozenset({A.MANAGER, A.SYSTEM}),
        S.CANCELLED: frozenset({A.CUSTOMER, A.MANAGER}),
    },
    S.ACCEPTED: {
        S.PREPARING: frozenset({A.KITCHEN, A.MANAGER}),
        S.CANCELLED: frozenset({A.MANAGER}),
    },
    S.PREPARING: {
        S.READY: frozenset({A.KITCHEN, A.MANAGER}),
        S.CANCELLED: frozenset({A.MANAGER}),
    },
    S.READY: {
        S.OUT_FOR_DELIVERY: frozenset({A.ASSIGNED_CREW, A.MANAGER}),
        S.COLLECTED: frozenset({A.KITCHEN, A.MANAGER}),
        S.CANCELLED: frozenset({A.MANAGER}),
    },
    S.OUT_FOR_DELIVERY: {
        S.DELIVERED: frozenset({A.ASSIGNED_CREW, A.MANAGER}),
    },
}

# Time-limited moves back: from a status, the status a recall returns to, and who may recall.
RECALLS: dict[OrderStatus, tuple[OrderStatus, frozenset[Actor]]] = {
    S.PREPARING: (S.ACCEPTED, frozenset({A.KITCHEN, A.MANAGER})),
    S.READY: (S.PREPARING, frozenset({A.KITCHEN, A.MANAGER})),
}

# Statuses that exist for one kind of fulfilment only.
ONLY_FOR: dict[OrderStatus, Fulfilment] = {
    S.OUT_FOR_DELIVERY: Fulfilment.DELIVERY,
    S.DELIVERED: Fulfilment.DELIVERY,
    S.COLLECTED: Fulfilment.PICKUP,
}

# The way an order goes when all goes well, by fulfilment: what a customer's timeline shows
# ahead of it. Each step is allowed by ALLOWED (a test holds them together).
PATHS: dict[Fulfilment, tuple[OrderStatus, ...]] = {
    Fulfilment.DELIVERY: (S.PLACED, S.ACCEPTED, S.PREPARING, S.READY, S.OUT_FOR_DELIVERY, S.DELIVERED),
    Fulfilment.PICKUP: (S.PLACED, S.ACCEPTED, S.PREPARING, S.READY, S.COLLECTED),
}

# Delivery crew may be (re)assigned while the order has not left the restaurant.
ASSIGNABLE_STATUSES = frozenset({S.PLACED, S.ACCEPTED, S.PREPARING, S.READY})

# How people are told about it.
TRANSITION_NAMES = {
    S.PLACED: "place",
    S.EXPIRED: "expire",
    S.ACCEPTED: "accept",
    S.REJECTED: "reject",
    S.CANCELLED: "cancel",
    S.PREPARING: "start preparing",
    S.READY: "mark ready",
    S.OUT_FOR_DELIVERY: "send out for delivery",
    S.DELIVERED: "mark delivered",
    S.COLLECTED: "mark collected",
}


def recall_window() -> timedelta:
    return timedelta(minutes=settings.KITCHEN_RECALL_MINUTES)


def recall_target(order: Any) -> OrderStatus | None:
    """The status a recall would return `order` to (None: its status has no recall)."""
    recall = RECALLS.get(OrderStatus(order.status))
    return recall[0] if recall else None


def is_recall(order: Any, target: OrderStatus) -> bool:
    return target is not None and recall_target(order) == target


def recall_closes_at(order: Any) -> datetime | None:
    """Until when `order` may be recalled (None: its status has no recall)."""
    if recall_target(order) is None or order.status_changed_at is None:
        return None
    return order.status_changed_at + recall_window()


def recall_open(order: Any, *, now: datetime) -> bool:
    """Whether `order` may be recalled at `now`: within the window after its last status change."""
    closes = recall_closes_at(order)
    return closes is not None and now <= closes


def next_statuses(order: Any, *, now: datetime | None = None) -> list[OrderStatus]:
    """The statuses this order may move to next (by anyone), in lifecycle order; with `now`,
    also the recall while its window is open."""
    forward = [
        target
        for target in ALLOWED.get(OrderStatus(order.status), {})
        if ONLY_FOR.get(target, order.fulfilment) == order.fulfilment
    ]
    if now is not None and recall_open(order, now=now):
        return [recall_target(order), *forward]  # the step back comes first, as in the lifecycle
    return forward


def actors_for(order: Any, user: Any) -> frozenset[Actor]:
    """The capacities in which `user` may act on `order` (none for an anonymous user)."""
    if not (user and user.is_authenticated):
        return frozenset()
    if getattr(user, "is_integration", False):  # an API key: a manager's steps with orders:write, else none
        return frozenset({A.MANAGER}) if user.has_scope(ORDERS_WRITE) else frozenset()
    actors = set()
    if order.customer_id == user.pk:
        actors.add(A.CUSTOMER)
    if user.is_kitchen:
        actors.add(A.KITCHEN)
    if user.is_delivery_crew and order.delivery_crew_id == user.pk:
        actors.add(A.ASSIGNED_CREW)
    if user.is_manager:
        actors.add(A.MANAGER)
    return frozenset(actors)


def who_may(order: Any, target: OrderStatus) -> frozenset[Actor]:
    """Who may make that step (a recall: whoever may recall, whatever the time)."""
    if is_recall(order, target):
        return RECALLS[OrderStatus(order.status)][1]
    return ALLOWED.get(OrderStatus(order.status), {}).get(target, frozenset())


def transition_name(order: Any, target: OrderStatus) -> str:
    """How a person is told about the step ("recall" for a step back)."""
    return "recall" if is_recall(order, target) else TRANSITION_NAMES[target]


def transitions_for(order: Any, user: Any, *, now: datetime | None = None) -> list[OrderStatus]:
    """The statuses `user` may move `order` to right now (what a page offers as buttons); with
    `now`, the recall too while its window is open.

    Leaves out "out for delivery" while no driver is assigned: the service would refuse it.
    """
    actors = actors_for(order, user)
    return [
        target
        for target in next_statuses(order, now=now)
        if actors & who_may(order, target) and not (target == S.OUT_FOR_DELIVERY and order.delivery_crew_id is None)
    ]
