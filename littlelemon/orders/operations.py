"""What a manager does to many orders at once on a busy service (the order board's toolbar):
push every open estimate back, and hand a delivery to the least busy driver.

Like `transitions`, each function checks its rule whoever calls it, in one transaction, and
records the change in the order's timeline (`OrderEvent`), the audit trail and the outbox:

| outbox type              | when                       | payload                                      |
|--------------------------|----------------------------|----------------------------------------------|
| `order.estimate_changed` | `order_estimates_extend`   | order, customer, driver, `status`,           |
|                          |                            | `estimated_ready_at` (the new one), minutes  |

`order_assign_least_busy` picks the driver and calls `transitions.order_assign` (which writes
`order.assigned`).
"""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from littlelemon.accounts.models import User
from littlelemon.accounts.permissions import is_manager_for
from littlelemon.apikeys.principal import api_key_of
from littlelemon.apikeys.scopes import ORDERS_WRITE
from littlelemon.audit.services import audit_record
from littlelemon.core.exceptions import InvalidInput, PermissionDenied
from littlelemon.events.services import event_record

from .enums import EventKind, OrderStatus
from .exceptions import NoDeliveryCrewAvailable
from .models import Order, OrderEvent
from .selectors import delivery_crew_with_load
from .transitions import _order_locked, _user, order_assign

EXTEND_MINUTES_MIN = 1
EXTEND_MINUTES_MAX = 120
# The orders whose estimate is still ahead of them: accepted and not yet handed over.
EXTENDABLE_STATUSES = (OrderStatus.ACCEPTED, OrderStatus.PREPARING, OrderStatus.READY)


def _check_minutes(minutes: Any) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise InvalidInput("Give the delay as a whole number of minutes.", field="minutes")
    if not EXTEND_MINUTES_MIN <= minutes <= EXTEND_MINUTES_MAX:
        raise InvalidInput(
            f"Extend estimates by {EXTEND_MINUTES_MIN} to {EXTEND_MINUTES_MAX} minutes.", field="minutes"
        )
    return minutes


@transaction.atomic
def order_estimates_extend(*, actor: User, minutes: int) -> list[Order]:
    """Add `minutes` (1 to 120) to the estimate of every open order that has one (accepted,
    preparing or ready), so that customers see the new time. Returns the orders changed (pk order).

    Managers only. Locks the orders in pk order (two managers extending at once queue, and never
    deadlock with a transition, which locks one order). Per order: an OrderEvent
    (`estimate_changed`, "Estimate extended by 15 minutes"), an audit entry
    (`order.estimate_extend`) and `order.estimate_changed` in the outbox.

    Raises PermissionDenied (not a manager) or InvalidInput (`minutes`); nothing is written then.
    """
    if not is_manager_for(actor, ORDERS_WRITE):
        raise PermissionDenied("Only a manager may extend the estimated times.")
    minutes = _check_minutes(minutes)
    delta = timedelta(minutes=minutes)
    orders = list(
        Order.objects.select_for_update()
        .filter(status__in=EXTENDABLE_STATUSES, estimated_ready_at__isnull=False)
        .order_by("pk")
    )
    now = timezone.now()
    note = f"Estimate extended by {minutes} minute{'s' if minutes != 1 else ''}."
    events = []
    for order in orders:
        before = order.estimated_ready_at
        order.estimated_ready_at = before + delta
        order.updated = now
        order.save(update_fields=["estimated_ready_at", "updated"])
        audit_record(
            actor=actor,
            action="order.estimate_extend",
            target=order,
            changes={
                "estimated_ready_at": {"before": before.isoformat(), "after": order.estimated_ready_at.isoformat()}
            },
        )
        events.append(
            OrderEvent(
                order=order,
                kind=EventKind.ESTIMATE_CHANGED,
                from_status=order.status,
                to_status=order.status,
                actor=_user(actor),
                api_key=api_key_of(actor),
                at=now,
                note=note,
            )
        )
        event_record(
            type="order.estimate_changed",
            aggregate="order",
            aggregate_id=order.pk,
            payload={
                "order_id": order.pk,
                "customer_id": order.customer_id,
                "delivery_crew_id": order.delivery_crew_id,
                "status": order.status,
                "estimated_ready_at": order.estimated_ready_at,
                "previous_estimated_ready_at": before,
                "minutes": minutes,
                "actor_id": getattr(actor, "pk", None),
                "changed_at": now,
            },
        )
    OrderEvent.objects.bulk_create(events)
    return orders


@transaction.atomic
def order_assign_least_busy(*, order: Order | int, actor: User) -> Order:
    """Give a delivery order to the active driver with the fewest open deliveries (ties: by
    name, then pk), through `transitions.order_assign` (its rules, timeline and event).

    Managers only. Locks the order first, so its own driver (if any) is counted without it.
    Raises PermissionDenied, NoDeliveryCrewAvailable (409: no active driver), and what
    `order_assign` raises (NotADelivery, AssignmentClosed).
    """
    if not is_manager_for(actor, ORDERS_WRITE):
        raise PermissionDenied("Only a manager may assign delivery crew.")
    order = _order_locked(order)
    driver = delivery_crew_with_load(exclude_order_id=order.pk).first()
    if driver is None:
        raise NoDeliveryCrewAvailable()
    return order_assign(order=order, actor=actor, delivery_crew=driver)
