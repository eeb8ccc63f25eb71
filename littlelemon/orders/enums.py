from django.db import models


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", "Awaiting payment"  # paid online: placed once the payment succeeds
    EXPIRED = "expired", "Expired"  # never paid (declined or abandoned): nothing was charged
    PLACED = "placed", "Placed"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    PREPARING = "preparing", "Preparing"
    READY = "ready", "Ready"
    OUT_FOR_DELIVERY = "out_for_delivery", "Out for delivery"
    DELIVERED = "delivered", "Delivered"
    COLLECTED = "collected", "Collected"
    CANCELLED = "cancelled", "Cancelled"


TERMINAL_STATUSES = frozenset(
    {
        OrderStatus.REJECTED,
        OrderStatus.DELIVERED,
        OrderStatus.COLLECTED,
        OrderStatus.CANCELLED,
        OrderStatus.EXPIRED,
    }
)

# Statuses of an order the restaurant has not received yet: the kitchen, the board and the
# drivers never see them (an online card payment that has not succeeded, or never did).
UNPAID_STATUSES = frozenset({OrderStatus.PENDING_PAYMENT, OrderStatus.EXPIRED})


class Fulfilment(models.TextChoices):
    DELIVERY = "delivery", "Delivery"
    PICKUP = "pickup", "Pickup"


class PaymentMethod(models.TextChoices):
    """Cash or card in person (to the driver, or at the counter for pickup: no configuration),
    or a card online through Stripe (littlelemon/payments, only when its keys are set)."""

    CASH = "cash", "Cash"
    CARD = "card", "Card in person"
    ONLINE = "online", "Card online"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # placed, not handed over yet
    PAID = "paid", "Paid"  # delivered or collected
    VOID = "void", "Void"  # cancelled or rejected: nothing to pay


class EventKind(models.TextChoices):
    PLACED = "placed", "Placed"
    STATUS_CHANGED = "status_changed", "Status changed"
    ASSIGNED = "assigned", "Delivery crew assigned"
    ESTIMATE_CHANGED = "estimate_changed", "Estimate changed"
    PAYMENT = "payment", "Payment"  # a payment or refund (littlelemon/payments); the status stays
