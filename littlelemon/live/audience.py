"""Who may see which event on the live stream: one rule, checked when the event is sent.

The stream carries outbox events about orders (aggregate "order"). A viewer is the stream's user
as the database says *now* (the hub re-reads every open stream's user once per batch of events):
its roles decide, with the event's payload, whether the event reaches that stream.

- a deactivated user sees nothing (the hub ends the stream);
- an admin, a manager and the kitchen see every order;
- a customer sees the orders they placed (`customer_id`);
- the delivery crew see the orders assigned to them (`delivery_crew_id`), the one just taken from
  them (`previous_delivery_crew_id`) and, when settings.DELIVERY_CREW_TAKES_READY_ORDERS, the
  pool of ready delivery orders with no driver: an order entering it (ready, unassigned), leaving
  it (taken by a driver, or cancelled while ready and unassigned).
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from littlelemon.accounts.enums import Role

ORDER = "order"
READY = "ready"
DELIVERY = "delivery"


@dataclass(frozen=True)
class Viewer:
    """A stream's user as the hub last read it."""

    user_id: int
    roles: frozenset[str] = frozenset()
    is_superuser: bool = False
    is_active: bool = True


@dataclass(frozen=True)
class Event:
    """What the stream needs of an outbox row."""

    id: int
    aggregate: str
    type: str
    payload: dict[str, Any]

    @property
    def status(self) -> str:
        """The order's status now (the status events say `to_status`, the others `status`)."""
        return str(self.payload.get("to_status") or self.payload.get("status") or "")


def may_see(viewer: Viewer, event: Event) -> bool:
    if event.aggregate != ORDER or not viewer.is_active:
        return False
    if viewer.is_superuser or Role.MANAGER in viewer.roles or Role.KITCHEN in viewer.roles:
        return True
    payload = event.payload
    if payload.get("customer_id") == viewer.user_id:
        return True
    if Role.DELIVERY_CREW not in viewer.roles:
        return False
    if viewer.user_id in (payload.get("delivery_crew_id"), payload.get("previous_delivery_crew_id")):
        return True
    return settings.DELIVERY_CREW_TAKES_READY_ORDERS and _in_driver_pool(event)


def _in_driver_pool(event: Event) -> bool:
    """The event puts an order in the pool of ready, unassigned deliveries, or takes it out."""
    payload = event.payload
    if event.type == "order.assigned":  # taken by a driver: from the pool if it was unassigned and ready
        return payload.get("previous_delivery_crew_id") is None and event.status == READY
    if payload.get("fulfilment") != DELIVERY or payload.get("delivery_crew_id") is not None:
        return False
    return event.status == READY or payload.get("from_status") == READY
