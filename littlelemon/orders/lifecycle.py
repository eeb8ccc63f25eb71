"""The order lifecycle as data: which status may follow which, and who may move it there.

```
placed ─► accepted ─► preparing ─► ready ─► out_for_delivery ─► delivered   (delivery)
   │          │            │          └──────────────────────► collected   (pickup)
   ├─► rejected (manager; or the system when nobody accepts it in time)
   └─► cancelled (customer while placed; manager until out_for_delivery)
```

The system (`Actor.SYSTEM`, an `actor` of None) is the restaurant's own scheduled jobs
(`orders/tasks.py`); `actors_for` never gives it to a person.

`transitions.order_status_change` is the only writer and enforces this table; the API and the
pages read `transitions_for` to show what a person may do next. Pure functions: no queries.
"""

from enum import StrEnum
from typing import Any

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
    S.ACCEPTED: "accept",
    S.REJECTED: "reject",
    S.CANCELLED: "cancel",
    S.PREPARING: "start preparing",
    S.READY: "mark ready",
    S.OUT_FOR_DELIVERY: "send out for delivery",
    S.DELIVERED: "mark delivered",
    S.COLLECTED: "mark collected",
}


def next_statuses(order: Any) -> list[OrderStatus]:
    """The statuses this order may move to next (by anyone), in lifecycle order."""
    return [
        target
        for target in ALLOWED.get(OrderStatus(order.status), {})
        if ONLY_FOR.get(target, order.fulfilment) == order.fulfilment
    ]


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
    return ALLOWED.get(OrderStatus(order.status), {}).get(target, frozenset())


def transitions_for(order: Any, user: Any) -> list[OrderStatus]:
    """The statuses `user` may move `order` to right now (what a page offers as buttons).

    Leaves out "out for delivery" while no driver is assigned: the service would refuse it.
    """
    actors = actors_for(order, user)
    return [
        target
        for target in next_statuses(order)
        if actors & who_may(order, target) and not (target == S.OUT_FOR_DELIVERY and order.delivery_crew_id is None)
    ]
