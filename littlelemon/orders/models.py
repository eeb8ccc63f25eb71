import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from littlelemon.cart.enums import MAX_QUANTITY
from littlelemon.core.models import TimeStampedModel
from littlelemon.menu.models import MenuItem

from .enums import EventKind, Fulfilment, OrderStatus, PaymentMethod, PaymentStatus

# What the total must equal. SQLite keeps decimals as floating point, where 0.1 + 0.2 != 0.3, so the
# check allows less than half a cent either way: on two-place amounts that still means "equal".
_SUM = models.F("subtotal") + models.F("delivery_fee") + models.F("tax") + models.F("tip")
_HALF_CENT = models.Value(Decimal("0.005"))

# Up to 100 lines × 99 × 99,999.99 plus fees, tax and tip fit in 12 digits.
ORDER_MONEY = {"max_digits": 12, "decimal_places": 2}


def _in(field: str, choices: type[models.TextChoices]) -> models.Q:
    return models.Q(**{f"{field}__in": choices.values})


class Order(TimeStampedModel):
    """A customer's order, made from their cart by `placement.order_place` and moved through its
    lifecycle only by `transitions.order_status_change` and `transitions.order_assign`.

    Money is computed on the server: `total = subtotal + delivery_fee + tax + tip`, where tax is
    the restaurant's rate on subtotal + delivery fee (a check constraint holds the sum).
    """

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        help_text="Empty for a guest's order (then guest name and e-mail say who) until they claim it.",
    )
    guest_name = models.CharField(max_length=150, blank=True)
    guest_email = models.EmailField(max_length=254, blank=True)
    guest_phone = models.CharField(max_length=32, blank=True)
    guest_cart = models.ForeignKey(
        "cart.GuestCart",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The guest cart it was placed from: its idempotency keys are unique per guest cart.",
    )
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.PLACED)
    fulfilment = models.CharField(max_length=10, choices=Fulfilment.choices)
    delivery_address = models.TextField(blank=True)
    scheduled_for = models.DateTimeField(null=True, blank=True, help_text="Empty: as soon as possible.")
    notes = models.TextField(blank=True)
    delivery_crew = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    subtotal = models.DecimalField(**ORDER_MONEY)
    delivery_fee = models.DecimalField(**ORDER_MONEY)
    tax = models.DecimalField(**ORDER_MONEY)
    tip = models.DecimalField(**ORDER_MONEY)
    total = models.DecimalField(**ORDER_MONEY)
    payment_method = models.CharField(max_length=10, choices=PaymentMethod.choices, default=PaymentMethod.CASH)
    payment_status = models.CharField(max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    estimated_ready_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The manager's estimate on accepting: ready to collect (pickup) or at the door (delivery).",
    )
    status_changed_at = models.DateTimeField(
        null=True,  # so that migration 0004 adds the column in place; every order has one
        blank=True,
        default=timezone.now,
        help_text="When the order entered its current status (placement or the last status "
        "change): the kitchen's recall window and age timers count from it.",
    )
    finished_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was delivered, collected, cancelled or rejected."
    )
    idempotency_key = models.CharField(max_length=255, blank=True, help_text="The Idempotency-Key it was placed with.")
    request_fingerprint = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the normalised placement request, to spot a reused key."
    )

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="order_unique_idempotency_key",
            ),
            models.UniqueConstraint(
                fields=["guest_cart", "idempotency_key"],
                condition=~models.Q(idempotency_key="") & models.Q(guest_cart__isnull=False),
                name="order_unique_guest_idempotency_key",
            ),
            models.CheckConstraint(
                condition=models.Q(customer__isnull=False) | (~models.Q(guest_name="") & ~models.Q(guest_email="")),
                name="order_customer_or_guest",
            ),
            models.CheckConstraint(condition=_in("status", OrderStatus), name="order_status_valid"),
            models.CheckConstraint(condition=_in("fulfilment", Fulfilment), name="order_fulfilment_valid"),
            models.CheckConstraint(condition=_in("payment_method", PaymentMethod), name="order_payment_method_valid"),
            models.CheckConstraint(condition=_in("payment_status", PaymentStatus), name="order_payment_status_valid"),
            models.CheckConstraint(
                condition=models.Q(subtotal__gt=0, delivery_fee__gte=0, tax__gte=0, tip__gte=0),
                name="order_amounts_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(total__gt=_SUM - _HALF_CENT, total__lt=_SUM + _HALF_CENT),
                name="order_total_is_the_sum",
            ),
            models.CheckConstraint(
                condition=~models.Q(fulfilment=Fulfilment.DELIVERY, delivery_address=""),
                name="order_delivery_has_address",
            ),
            models.CheckConstraint(
                condition=~models.Q(fulfilment=Fulfilment.PICKUP, delivery_crew__isnull=False),
                name="order_pickup_has_no_crew",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-created"], name="order_customer_idx"),
            models.Index(fields=["delivery_crew", "-created"], name="order_crew_idx"),
            models.Index(fields=["status", "-created"], name="order_status_idx"),
            models.Index(fields=["finished_at"], name="order_finished_idx"),
        ]

    def __str__(self) -> str:
        return f"Order #{self.pk} ({self.get_status_display()})"

    @property
    def is_guest(self) -> bool:
        """Placed without an account (and not claimed since)."""
        return self.customer_id is None

    @property
    def contact_email(self) -> str:
        """Where the order's e-mails go: the customer's address, or the guest's."""
        return self.customer.email if self.customer_id else self.guest_email


class OrderItem(models.Model):
    """A dish as it was ordered: title and unit price are copied, so menu changes never rewrite history."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    menuitem = models.ForeignKey(MenuItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    title = models.CharField(max_length=200)
    unit_price = models.DecimalField(max_digits=7, decimal_places=2)
    quantity = models.PositiveSmallIntegerField()
    price = models.DecimalField(help_text="unit_price × quantity.", **ORDER_MONEY)
    options = models.JSONField(
        default=list,
        blank=True,
        help_text='The chosen options as they were: [{"group", "choice", "price_delta"}], and for a combo '
        '[{"slot", "dish", "supplement", "options": [...]}]. unit_price includes them.',
    )
    selection = models.JSONField(
        default=dict,
        blank=True,
        help_text="The options as chosen, by id (the cart line's selection, menu/options.py): what "
        "ordering again puts back in the cart.",
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, quantity__lte=MAX_QUANTITY), name="order_item_quantity_range"
            ),
            models.CheckConstraint(condition=models.Q(unit_price__gt=0, price__gt=0), name="order_item_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.title}"


class OrderEvent(models.Model):
    """One step of an order's timeline: its placement, each status change, each assignment.

    For status events `from_status` is the status before and `to_status` after (placement:
    "" -> placed); an assignment keeps the status and says who was assigned in `note`.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    from_status = models.CharField(max_length=20, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=OrderStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    api_key = models.ForeignKey(
        "apikeys.ApiKey",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The API key of the integration that made the step (then there is no actor).",
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["order", "id"], name="order_event_order_idx")]

    def __str__(self) -> str:
        return f"#{self.order_id}: {self.from_status or '-'} -> {self.to_status}"


def delivery_proof_photo_path(proof: "DeliveryProof", filename: str) -> str:
    """Where a proof-of-delivery photo is stored: a random name nobody can guess (the photo shows a
    customer's door). Served only through the staff view that checks who asks, never as a public
    media URL; the uploaded file's own name is dropped (it is always re-encoded to JPEG)."""
    return f"delivery-proofs/{secrets.token_urlsafe(24)}.jpg"


class DeliveryProof(models.Model):
    """Who took a delivered order at the door, and optionally a photo of it: written by
    `delivery.order_deliver` in the transaction that marks the order delivered (one per order)."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="delivery_proof")
    recipient_name = models.CharField(max_length=100)
    photo = models.ImageField(
        upload_to=delivery_proof_photo_path,
        blank=True,
        help_text="Re-encoded on upload (JPEG, at most 1600 px, no metadata such as GPS).",
    )
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~models.Q(recipient_name=""), name="delivery_proof_has_recipient"),
        ]

    def __str__(self) -> str:
        return f"#{self.order_id} delivered to {self.recipient_name}"
