"""An order's progress as a customer reads it: the steps of its way (`lifecycle.PATHS`), which
are done and when, where it is now, in the restaurant's words."""

from dataclasses import dataclass
from datetime import datetime

from littlelemon.orders.enums import TERMINAL_STATUSES, EventKind, Fulfilment, OrderStatus
from littlelemon.orders.lifecycle import PATHS
from littlelemon.orders.models import Order

S = OrderStatus

STEP_LABELS = {
    S.PLACED: "Order placed",
    S.ACCEPTED: "Accepted",
    S.PREPARING: "Being prepared",
    S.READY: "Ready",
    S.OUT_FOR_DELIVERY: "On its way",
    S.DELIVERED: "Delivered",
    S.COLLECTED: "Collected",
    S.CANCELLED: "Cancelled",
    S.REJECTED: "Declined",
    S.PENDING_PAYMENT: "Awaiting payment",
    S.EXPIRED: "Not paid",
}

NOW_SAYS = {
    S.PLACED: "We have your order and will confirm it in a moment.",
    S.ACCEPTED: "The restaurant has accepted your order.",
    S.PREPARING: "The kitchen is preparing your order.",
    S.OUT_FOR_DELIVERY: "Your order is on its way.",
    S.DELIVERED: "Delivered. Enjoy your meal!",
    S.COLLECTED: "Collected. Enjoy your meal!",
    S.CANCELLED: "This order was cancelled; nothing is charged.",
    S.REJECTED: "Sorry, the restaurant could not take this order; nothing is charged.",
    S.PENDING_PAYMENT: "Your order is placed as soon as your card is paid.",
    S.EXPIRED: "This order was never paid, so it was not placed; nothing is charged.",
}


@dataclass(frozen=True)
class Step:
    status: str
    label: str
    state: str  # "done", "current" or "upcoming"
    at: datetime | None


@dataclass(frozen=True)
class Tracking:
    order: Order
    steps: list[Step]
    headline: str
    finished: bool
    last_event_id: int


def tracking_for(order: Order) -> Tracking:
    """`order.events.all()` must be prefetched (`order_with_timeline_get`)."""
    events = list(order.events.all())
    reached: dict[str, datetime] = {}
    for event in events:
        if event.kind not in (EventKind.ASSIGNED, EventKind.PAYMENT):
            reached.setdefault(event.to_status, event.at)
    path = PATHS[Fulfilment(order.fulfilment)]
    status = OrderStatus(order.status)
    if status in path:
        here = path.index(status)
        states = ["done"] * here + ["current"] + ["upcoming"] * (len(path) - here - 1)
        if status in TERMINAL_STATUSES:
            states[-1] = "done"
        # An upcoming step shows no time, even one reached before a recall (the kitchen stepped back).
        steps = [
            Step(s, STEP_LABELS[s], state, None if state == "upcoming" else reached.get(s))
            for s, state in zip(path, states, strict=True)
        ]
    elif status == S.PENDING_PAYMENT:  # paid online, not yet: the whole way is ahead
        steps = [Step(status, STEP_LABELS[status], "current", reached.get(status))]
        steps += [Step(s, STEP_LABELS[s], "upcoming", None) for s in path]
    else:  # cancelled, rejected or expired: the steps it took, then where it stopped
        steps = [Step(s, STEP_LABELS[s], "done", reached[s]) for s in path if s in reached]
        steps.append(Step(status, STEP_LABELS[status], "done", reached.get(status)))
    return Tracking(
        order=order,
        steps=steps,
        headline=_headline(order, status),
        finished=status in TERMINAL_STATUSES,
        last_event_id=events[-1].pk if events else 0,
    )


def _headline(order: Order, status: OrderStatus) -> str:
    if status == S.READY:
        if order.fulfilment == Fulfilment.PICKUP:
            return "Your order is ready to collect."
        return "Your order is ready and about to leave with a driver."
    if status == S.OUT_FOR_DELIVERY and order.delivery_crew is not None and order.delivery_crew.first_name:
        return f"Your order is on its way with {order.delivery_crew.first_name}."
    return NOW_SAYS[status]
