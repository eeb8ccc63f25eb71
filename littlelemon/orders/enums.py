from django.db import models


class OrderStatus(models.TextChoices):
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
    {OrderStatus.REJECTED, OrderStatus.DELIVERED, OrderStatus.COLLECTED, OrderStatus.CANCELLED}
)


class Fulfilment(models.TextChoices):
    DELIVERY = "delivery", "Delivery"
    PICKUP = "pickup", "Pickup"


class PaymentMethod(models.TextChoices):
    """Paid to the driver or at the counter; there is no online payment provider (yet)."""

    CASH = "cash", "Cash"
    CARD = "card", "Card"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # placed, not handed over yet
    PAID = "paid", "Paid"  # delivered or collected
    VOID = "void", "Void"  # cancelled or rejected: nothing to pay


class EventKind(models.TextChoices):
    PLACED = "placed", "Placed"
    STATUS_CHANGED = "status_changed", "Status changed"
    ASSIGNED = "assigned", "Delivery crew assigned"
    ESTIMATE_CHANGED = "estimate_changed", "Estimate changed"
