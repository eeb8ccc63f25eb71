"""The ledger: one Payment per attempt to pay an order, and refunds as their own rows.

Captured money is `Payment.amount` of a payment with a `captured_at`; refunded money is
`Refund.amount` of a succeeded refund, dated by its own `refunded_at`. Revenue is the one minus
the other (`selectors.revenue`). `Payment.amount_refunded` is what refunds (pending or done)
hold of the payment: a new refund is never more than `amount - amount_refunded`.
"""

from django.conf import settings
from django.db import models

from littlelemon.core.models import TimeStampedModel
from littlelemon.orders.enums import PaymentMethod
from littlelemon.orders.models import ORDER_MONEY, Order, OrderItem

from .enums import PaymentStatus, Provider, RefundStatus


class Payment(TimeStampedModel):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    attempt = models.PositiveSmallIntegerField(help_text="1 for the order's first attempt to pay, then 2, ...")
    method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    provider = models.CharField(max_length=10, choices=Provider.choices)
    provider_id = models.CharField(max_length=255, blank=True, help_text="Stripe's PaymentIntent id.")
    amount = models.DecimalField(**ORDER_MONEY)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    amount_refunded = models.DecimalField(default=0, **ORDER_MONEY)
    captured_at = models.DateTimeField(null=True, blank=True, help_text="When the money was taken.")
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who took the money in person (the driver hands it in).",
    )
    handed_in_at = models.DateTimeField(null=True, blank=True, help_text="When a manager received the driver's cash.")
    failure_message = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "attempt"], name="payment_unique_attempt"),
            models.UniqueConstraint(
                fields=["provider", "provider_id"],
                condition=~models.Q(provider_id=""),
                name="payment_unique_provider_id",
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(amount_refunded__gte=0, amount_refunded__lte=models.F("amount")),
                name="payment_refunded_within_amount",
            ),
        ]
        indexes = [models.Index(fields=["captured_at"], name="payment_captured_idx")]

    def __str__(self) -> str:
        return f"#{self.order_id}/{self.attempt} {self.method} {self.amount} {self.status}"

    @property
    def refundable(self):
        return self.amount - self.amount_refunded


class Refund(TimeStampedModel):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(**ORDER_MONEY)
    reason = models.CharField(max_length=500)
    order_item = models.ForeignKey(
        OrderItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", help_text="The line refunded."
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: refunded automatically (a rejected or cancelled order).",
    )
    status = models.CharField(max_length=10, choices=RefundStatus.choices, default=RefundStatus.PENDING)
    provider_id = models.CharField(max_length=255, blank=True, help_text="Stripe's refund id.")
    refunded_at = models.DateTimeField(null=True, blank=True)
    failure_message = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive")]
        indexes = [models.Index(fields=["refunded_at"], name="refund_refunded_idx")]

    def __str__(self) -> str:
        return f"refund {self.amount} of {self.payment_id} ({self.status})"


class WebhookEvent(models.Model):
    """A Stripe event handled: each id once (a replay finds its row and changes nothing)."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"
