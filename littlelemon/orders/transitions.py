"""Moving an order through its lifecycle and giving it a driver: the only writers of an order's
status and delivery crew.

Each function checks its rule against the lifecycle table (`lifecycle.ALLOWED`), whoever calls
it (API, staff pages, demo data, shell), in one transaction: it locks the order row, re-reads
it, writes the change, the order's timeline (`OrderEvent`), the audit trail and a domain event in
the outbox. The actor is a user or an integration (a request made with an API key that grants
`orders:write`, which acts as a manager): its timeline events name the key (`api_key`), its
audit entries `api-key:<name> (<prefix>)`, its outbox payloads `api_key_id` (`actor_id` None).

| outbox type            | when                                   | payload                                   |
|------------------------|----------------------------------------|-------------------------------------------|
| `order.status_changed` | `order_status_change` (every status)   | `from_status`, `to_status`, actor, note,  |
|                        |                                        | `estimated_ready_at` (set on accepting),  |
|                        |                                        | `recall` (true for a step back)           |
| `order.assigned`       | `order_assign` set or changed a driver | the driver, the previous one, actor       |
|                        | `order_take`: a driver took it         | (the same; the previous one is None)      |
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from littlelemon.accounts.models import User
from littlelemon.accounts.permissions import is_integration, is_manager_for
from littlelemon.apikeys.principal import api_key_of
from littlelemon.apikeys.scopes import ORDERS_WRITE
from littlelemon.audit.services import audit_record
from littlelemon.core.exceptions import InvalidInput, PermissionDenied
from littlelemon.events.services import event_record
from littlelemon.menu.portions import portions_release

from . import lifecycle
from .enums import TERMINAL_STATUSES, EventKind, Fulfilment, OrderStatus, PaymentStatus
from .exceptions import (
    AlreadyTaken,
    AssignmentClosed,
    DeliveryCrewRequired,
    InvalidTransition,
    NotADelivery,
    NotDeliveryCrew,
    NotTakeable,
    OrderNotFound,
    RecallWindowClosed,
    TakingDisabled,
    TransitionForbidden,
)
from .models import Order, OrderEvent

MAX_NOTE_LENGTH = 500  # OrderEvent.note
# The estimate a manager may give on accepting: minutes from now until the order is ready to
# collect or at the customer's door.
ESTIMATED_MINUTES_MIN = 1
ESTIMATED_MINUTES_MAX = 240

PAYMENT_AFTER = {
    OrderStatus.DELIVERED: PaymentStatus.PAID,
    OrderStatus.COLLECTED: PaymentStatus.PAID,
    OrderStatus.CANCELLED: PaymentStatus.VOID,
    OrderStatus.REJECTED: PaymentStatus.VOID,
}

# An order ended by these gives its dishes' daily portions back (menu.portions).
PORTIONS_BACK = frozenset({OrderStatus.CANCELLED, OrderStatus.REJECTED, OrderStatus.EXPIRED})

ACTOR_NAMES = {
    lifecycle.Actor.CUSTOMER: "the customer",
    lifecycle.Actor.KITCHEN: "the kitchen",
    lifecycle.Actor.ASSIGNED_CREW: "the assigned delivery crew",
    lifecycle.Actor.MANAGER: "a manager",
    lifecycle.Actor.SYSTEM: "the restaurant's scheduled jobs",
}


def _user(actor: Any) -> User | None:
    """The user an OrderEvent links as its actor: None for an integration (the key is linked)."""
    return None if is_integration(actor) else actor


def _api_key_id(actor: Any) -> int | None:
    api_key = api_key_of(actor)
    return api_key.pk if api_key else None


def _check_note(note: str) -> str:
    if len(note) > MAX_NOTE_LENGTH:
        raise InvalidInput(f"A note has at most {MAX_NOTE_LENGTH} characters.", field="note")
    return note


def _actor_names(actors: frozenset[lifecycle.Actor]) -> str:
    """ "the kitchen or a manager", in the table's order."""
    people = actors - {lifecycle.Actor.SYSTEM}  # a person is never told "only the system may"
    names = [ACTOR_NAMES[actor] for actor in lifecycle.Actor if actor in people]
    return " or ".join(names) if names else "nobody"


def _order_locked(order: Order | int) -> Order:
    """The order row, locked (`SELECT ... FOR UPDATE`) and read afresh. Raises OrderNotFound."""
    locked = Order.objects.select_for_update().filter(pk=order if isinstance(order, int) else order.pk).first()
    if locked is None:
        raise OrderNotFound()
    return locked


def _status_and_next(order: Order, now: datetime | None = None) -> dict[str, Any]:
    """The error body's `current_status` and `allowed` next statuses (with `now`: a recall too
    while its window is open)."""
    allowed = lifecycle.next_statuses(order, now=now)
    return {"current_status": order.status, "allowed": [str(status) for status in allowed]}


def _check_estimate(estimated_minutes: int | None, target: OrderStatus) -> timedelta | None:
    if estimated_minutes is None:
        return None
    if target != OrderStatus.ACCEPTED:
        raise InvalidInput("An estimated time is given only when accepting an order.", field="estimated_minutes")
    if isinstance(estimated_minutes, bool) or not isinstance(estimated_minutes, int):
        raise InvalidInput("The estimate is a whole number of minutes.", field="estimated_minutes")
    if not ESTIMATED_MINUTES_MIN <= estimated_minutes <= ESTIMATED_MINUTES_MAX:
        raise InvalidInput(
            f"The estimate is {ESTIMATED_MINUTES_MIN} to {ESTIMATED_MINUTES_MAX} minutes from now.",
            field="estimated_minutes",
        )
    return timedelta(minutes=estimated_minutes)


@transaction.atomic
def order_status_change(
    *, order: Order | int, actor: User | None, status: str, note: str = "", estimated_minutes: int | None = None
) -> Order:
    """Move an order to `status`, as the lifecycle table (`lifecycle.ALLOWED`) allows `actor`.

    `actor` None is the restaurant's own scheduled jobs (`lifecycle.Actor.SYSTEM`: rejecting an
    order nobody accepted in time). On accepting, `estimated_minutes` (1 to 240) sets the
    order's `estimated_ready_at`: ready to collect, or at the door for a delivery.

    A **recall** (preparing → accepted, ready → preparing: `lifecycle.RECALLS`) undoes the
    kitchen's last bump, for the kitchen and managers, within settings.KITCHEN_RECALL_MINUTES of
    the order's last status change (`status_changed_at`); its timeline note says who recalled it
    unless `note` is given, and its outbox payload has `"recall": true`.

    Locks the order row, then re-reads it, so two people acting at once are judged one after
    the other against the real current status. Sets `status_changed_at`; writes an OrderEvent
    and `order.status_changed`; a delivered or collected order is paid, a cancelled or rejected
    one void and gives its dishes' daily portions back (menu.portions.portions_release).

    Raises InvalidInput (no such status; an estimate out of range or not on accepting),
    InvalidTransition (409: that step does not exist from the current status; names it and the
    allowed next ones), TransitionForbidden (403: the step exists but not for this actor),
    RecallWindowClosed (409: a recall after its window; names the window),
    DeliveryCrewRequired (409: out for delivery with no driver).
    Recorded in the audit trail (`order.status_change`).
    """
    try:
        target = OrderStatus(status)
    except ValueError:
        raise InvalidInput(f"'{status}' is not an order status.", field="status") from None
    note = _check_note(note)
    estimate = _check_estimate(estimated_minutes, target)
    order = _order_locked(order)
    now = timezone.now()
    _transition_check(order, actor=actor, target=target, now=now)
    recall = lifecycle.is_recall(order, target)
    if recall and not note:
        note = f"Recalled by {_recaller_name(order, actor)}."

    previous, previous_payment = order.status, order.payment_status
    order.status = target
    order.payment_status = PAYMENT_AFTER.get(target, order.payment_status)
    if target in TERMINAL_STATUSES:
        order.finished_at = now
    if estimate is not None:
        order.estimated_ready_at = now + estimate
    order.status_changed_at = now
    order.updated = now
    order.save(
        update_fields=["status", "payment_status", "finished_at", "estimated_ready_at", "status_changed_at", "updated"]
    )
    if target in PORTIONS_BACK:
        portions_release(order)
    _status_change_record(
        order, actor=actor, previous=previous, previous_payment=previous_payment, note=note, at=now, recall=recall
    )
    # The ledger follows (littlelemon/payments): money collected in person on handing over, a
    # card order paid online refunded when rejected or cancelled. Imported here: payments
    # builds on this module.
    from littlelemon.payments.services import order_status_changed
    from littlelemon.reports.rollup import report_days_forget

    order_status_changed(order=order, actor=actor, previous=previous)
    # An older order's timeline or payment changed: the reports' stored days it counts on go.
    report_days_forget(order=order)
    return order


def _recaller_name(order: Order, actor: User | None) -> str:
    """ "the kitchen" or "a manager": the capacity the actor recalls in (the kitchen first)."""
    actors = lifecycle.actors_for(order, actor)
    return ACTOR_NAMES[lifecycle.Actor.KITCHEN if lifecycle.Actor.KITCHEN in actors else lifecycle.Actor.MANAGER]


def _transition_check(order: Order, *, actor: User | None, target: OrderStatus, now: datetime) -> None:
    """Raises InvalidTransition, TransitionForbidden, RecallWindowClosed or DeliveryCrewRequired
    (see `order_status_change`)."""
    if lifecycle.is_recall(order, target):
        _recall_check(order, actor=actor, target=target, now=now)
        return
    allowed = lifecycle.next_statuses(order, now=now)
    if target not in allowed:
        current = OrderStatus(order.status).label.lower()
        options = ", ".join(str(s) for s in allowed) if allowed else "none: the order is finished"
        raise InvalidTransition(
            f"Order #{order.pk} is {current}: it cannot become {target.label.lower()}. Allowed next: {options}.",
            extra=_status_and_next(order, now),
        )
    who = lifecycle.who_may(order, target)
    actors = frozenset({lifecycle.Actor.SYSTEM}) if actor is None else lifecycle.actors_for(order, actor)
    if not actors & who:
        raise TransitionForbidden(
            f"Only {_actor_names(who)} may {lifecycle.transition_name(order, target)} an order that is "
            f"{OrderStatus(order.status).label.lower()}."
        )
    if target == OrderStatus.OUT_FOR_DELIVERY and order.delivery_crew_id is None:
        raise DeliveryCrewRequired(extra=_status_and_next(order, now))


def _recall_check(order: Order, *, actor: User | None, target: OrderStatus, now: datetime) -> None:
    """Raises TransitionForbidden (not the kitchen or a manager, whatever the time), then
    RecallWindowClosed (too late)."""
    who = lifecycle.who_may(order, target)
    actors = frozenset({lifecycle.Actor.SYSTEM}) if actor is None else lifecycle.actors_for(order, actor)
    if not actors & who:
        raise TransitionForbidden(
            f"Only {_actor_names(who)} may recall an order that is {OrderStatus(order.status).label.lower()}."
        )
    if not lifecycle.recall_open(order, now=now):
        minutes = settings.KITCHEN_RECALL_MINUTES
        raise RecallWindowClosed(
            f"Order #{order.pk} became {OrderStatus(order.status).label.lower()} more than {minutes} "
            f"minute{'s' if minutes != 1 else ''} ago: a recall is allowed only within {minutes} "
            f"minute{'s' if minutes != 1 else ''} of the bump.",
            extra={**_status_and_next(order, now), "recall_minutes": minutes},
        )


def _status_change_record(
    order: Order,
    *,
    actor: User | None,
    previous: str,
    previous_payment: str,
    note: str,
    at: datetime,
    recall: bool = False,
) -> None:
    """The audit entry, the timeline event and `order.status_changed` of a status change just saved."""
    changes = {"status": {"before": previous, "after": str(order.status)}}
    if order.payment_status != previous_payment:
        changes["payment_status"] = {"before": previous_payment, "after": str(order.payment_status)}
    if note:
        changes["note"] = {"before": None, "after": note}
    if order.status == OrderStatus.ACCEPTED and order.estimated_ready_at is not None:
        changes["estimated_ready_at"] = {"before": None, "after": order.estimated_ready_at.isoformat()}
    audit_record(actor=actor, action="order.status_change", target=order, changes=changes)
    OrderEvent.objects.create(
        order=order,
        kind=EventKind.STATUS_CHANGED,
        from_status=previous,
        to_status=order.status,
        actor=_user(actor),
        api_key=api_key_of(actor),
        at=at,
        note=note,
    )
    event_record(
        type="order.status_changed",
        aggregate="order",
        aggregate_id=order.pk,
        payload={
            "order_id": order.pk,
            "customer_id": order.customer_id,
            "from_status": previous,
            "to_status": str(order.status),
            "actor_id": getattr(actor, "pk", None),
            "api_key_id": _api_key_id(actor),
            "note": note,
            "estimated_ready_at": order.estimated_ready_at,
            "fulfilment": order.fulfilment,
            "delivery_crew_id": order.delivery_crew_id,
            "payment_status": order.payment_status,
            "total": order.total,
            "changed_at": at,
            "recall": recall,
        },
    )


@transaction.atomic
def order_assign(*, order: Order | int, actor: User, delivery_crew: User, note: str = "") -> Order:
    """Give a delivery order to a member of the delivery crew (or hand it to another one).

    Managers only; allowed until the order is out for delivery. Locks the order row. Assigning
    the driver it already has changes nothing. Writes an OrderEvent and `order.assigned`.

    Raises PermissionDenied (not a manager), NotADelivery (a pickup order), AssignmentClosed
    (409: out for delivery or finished), NotDeliveryCrew (the user is not active delivery crew).
    Recorded in the audit trail (`order.assign`, the drivers by username).
    """
    if not is_manager_for(actor, ORDERS_WRITE):
        raise PermissionDenied("Only a manager may assign delivery crew.")
    note = _check_note(note)
    order = _order_locked(order)
    _assignment_check(order, delivery_crew=delivery_crew)
    if order.delivery_crew_id == delivery_crew.pk:
        return order

    _delivery_crew_set(order, actor=actor, delivery_crew=delivery_crew, action="order.assign", note=note)
    return order


def _delivery_crew_set(order: Order, *, actor: User, delivery_crew: User, action: str, note: str) -> None:
    """Give the locked `order` its driver, with the audit entry (`action`, drivers by username),
    the timeline event and `order.assigned`: what assigning and taking share."""
    now = timezone.now()
    previous = order.delivery_crew_id
    previous_name = User.objects.filter(pk=previous).values_list("username", flat=True).first() if previous else None
    order.delivery_crew = delivery_crew
    order.updated = now
    order.save(update_fields=["delivery_crew", "updated"])
    audit_record(
        actor=actor,
        action=action,
        target=order,
        changes={"delivery_crew": {"before": previous_name, "after": delivery_crew.username}},
    )
    _assignment_record(order, actor=actor, previous=previous, note=note, at=now)


def _assignment_check(order: Order, *, delivery_crew: User) -> None:
    """Raises NotADelivery, AssignmentClosed or NotDeliveryCrew (see `order_assign`)."""
    if order.fulfilment != Fulfilment.DELIVERY:
        raise NotADelivery(f"Order #{order.pk} is a pickup order: it has no delivery crew.", field="delivery_crew")
    if order.status not in lifecycle.ASSIGNABLE_STATUSES:
        raise AssignmentClosed(
            f"Order #{order.pk} is {OrderStatus(order.status).label.lower()}: its delivery crew can no longer change.",
            extra=_status_and_next(order),
        )
    if not (delivery_crew.is_active and delivery_crew.is_delivery_crew):
        raise NotDeliveryCrew(f"User {delivery_crew.pk} is not in the delivery crew.", field="delivery_crew")


def _assignment_record(order: Order, *, actor: User, previous: int | None, note: str, at: datetime) -> None:
    """The timeline event and `order.assigned` of an assignment just saved."""
    delivery_crew = order.delivery_crew
    name = delivery_crew.get_full_name() or delivery_crew.username
    OrderEvent.objects.create(
        order=order,
        kind=EventKind.ASSIGNED,
        from_status=order.status,
        to_status=order.status,
        actor=_user(actor),
        api_key=api_key_of(actor),
        at=at,
        note=note or f"Assigned to {name}" + (" (reassigned)" if previous else "") + ".",
    )
    event_record(
        type="order.assigned",
        aggregate="order",
        aggregate_id=order.pk,
        payload={
            "order_id": order.pk,
            "customer_id": order.customer_id,
            "status": order.status,
            "delivery_crew_id": delivery_crew.pk,
            "previous_delivery_crew_id": previous,
            "actor_id": actor.pk,
            "api_key_id": _api_key_id(actor),
            "note": note,
            "assigned_at": at,
        },
    )


# What a driver may take for themselves (settings.DELIVERY_CREW_TAKES_READY_ORDERS): a delivery
# order waiting at the pass with nobody to bring it. The live stream tells drivers about exactly
# these (ready, delivery, no driver), so the app lists no others.
TAKEABLE_STATUSES = frozenset({OrderStatus.READY})


def may_take_orders(actor: Any) -> bool:
    """Whether `actor` may take orders for themselves now: an active member of the delivery crew,
    while settings.DELIVERY_CREW_TAKES_READY_ORDERS is on (what a page asks before it offers)."""
    return bool(
        settings.DELIVERY_CREW_TAKES_READY_ORDERS
        and actor
        and actor.is_authenticated
        and not is_integration(actor)
        and actor.is_active
        and actor.is_delivery_crew
    )


@transaction.atomic
def order_take(*, order: Order | int, actor: User) -> Order:
    """A driver takes a ready delivery order that has no driver: it becomes theirs, as if a
    manager had assigned it (`order_assign`'s OrderEvent and `order.assigned`, with the driver as
    the actor and no previous driver).

    Only while settings.DELIVERY_CREW_TAKES_READY_ORDERS is on, and only by an active member of
    the delivery crew. Locks the order row, then re-reads it: of two drivers taking the same
    order at once, the first gets it and the second is told it is taken. Taking an order one
    already has changes nothing.

    Raises TakingDisabled (403: the setting is off), PermissionDenied (not delivery crew),
    NotADelivery (a pickup order), AlreadyTaken (409: it has a driver), NotTakeable (409: not
    ready, or already on its way or finished). Recorded in the audit trail (`order.take`).
    """
    if not settings.DELIVERY_CREW_TAKES_READY_ORDERS:
        raise TakingDisabled()
    if not may_take_orders(actor):
        raise PermissionDenied("Only the delivery crew may take an order.")
    order = _order_locked(order)
    if order.fulfilment != Fulfilment.DELIVERY:
        raise NotADelivery(f"Order #{order.pk} is a pickup order: it has no delivery crew.")
    if order.delivery_crew_id == actor.pk:
        return order
    if order.delivery_crew_id is not None:
        raise AlreadyTaken(f"Order #{order.pk} was already taken by someone else.", extra=_status_and_next(order))
    if order.status not in TAKEABLE_STATUSES:
        raise NotTakeable(
            f"Order #{order.pk} is {OrderStatus(order.status).label.lower()}: only a ready order can be taken.",
            extra=_status_and_next(order),
        )

    name = actor.get_full_name() or actor.username
    _delivery_crew_set(order, actor=actor, delivery_crew=actor, action="order.take", note=f"Taken by {name}.")
    return order
