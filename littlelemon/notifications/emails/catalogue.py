"""Which e-mail, if any, an outbox event means for the customer. Pure: reads the event only.

| event                                   | e-mail                   |
|-----------------------------------------|--------------------------|
| `order.placed`                          | `order_placed` (receipt) |
| `order.status_changed` to accepted      | `order_accepted`         |
| ... to rejected                         | `order_rejected`         |
| ... to cancelled                        | `order_cancelled`        |
| ... to ready, for a pickup order        | `order_ready_for_pickup` |
| ... to out_for_delivery                 | `order_out_for_delivery` |
| ... to delivered                        | `order_delivered`        |
| `payment.refunded`                      | `payment_refunded`       |
| `booking.created`                       | `booking_confirmed`      |
| `booking.updated`                       | `booking_changed`        |
| `booking.cancelled`                     | `booking_cancelled`      |
| `booking.reminder`                      | `booking_reminder`       |

Nothing else mails the customer: "preparing" and "ready" for a delivery are steps they follow on
the order page, "collected" happens in front of them, an assignment is the restaurant's business,
and seated, completed or no-show bookings are things they were there for (or not).
"""

from typing import Any

ORDER_PLACED = "order_placed"
ORDER_ACCEPTED = "order_accepted"
ORDER_REJECTED = "order_rejected"
ORDER_CANCELLED = "order_cancelled"
ORDER_READY_FOR_PICKUP = "order_ready_for_pickup"
ORDER_OUT_FOR_DELIVERY = "order_out_for_delivery"
ORDER_DELIVERED = "order_delivered"
PAYMENT_REFUNDED = "payment_refunded"
BOOKING_CONFIRMED = "booking_confirmed"
BOOKING_CHANGED = "booking_changed"
BOOKING_CANCELLED = "booking_cancelled"
BOOKING_REMINDER = "booking_reminder"

ORDER_STATUS_EMAILS = {
    "accepted": ORDER_ACCEPTED,
    "rejected": ORDER_REJECTED,
    "cancelled": ORDER_CANCELLED,
    "out_for_delivery": ORDER_OUT_FOR_DELIVERY,
    "delivered": ORDER_DELIVERED,
}

BOOKING_EMAILS = {
    "booking.created": BOOKING_CONFIRMED,
    "booking.updated": BOOKING_CHANGED,
    "booking.cancelled": BOOKING_CANCELLED,
    "booking.reminder": BOOKING_REMINDER,
}

ORDER_EMAILS = frozenset({ORDER_PLACED, *ORDER_STATUS_EMAILS.values(), ORDER_READY_FOR_PICKUP, PAYMENT_REFUNDED})
ALL_EMAILS = ORDER_EMAILS | frozenset(BOOKING_EMAILS.values())


def email_kind(event_type: str, payload: dict[str, Any]) -> str | None:
    """The e-mail an event means for its customer, or None."""
    if event_type == "order.placed":
        return ORDER_PLACED
    if event_type == "payment.refunded":
        return PAYMENT_REFUNDED
    if event_type == "order.status_changed":
        status = payload.get("to_status")
        if status == "ready":
            return ORDER_READY_FOR_PICKUP if payload.get("fulfilment") == "pickup" else None
        return ORDER_STATUS_EMAILS.get(status)
    return BOOKING_EMAILS.get(event_type)


def email_recipient_id(kind: str, payload: dict[str, Any]) -> int | None:
    """The customer's user id (None for a guest booking a manager took by phone)."""
    if kind in ORDER_EMAILS:
        return payload.get("customer_id")
    return payload.get("customer")
