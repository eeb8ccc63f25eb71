from django.db import models


class Provider(models.TextChoices):
    IN_PERSON = "in_person", "In person"  # cash or card to the driver or at the counter
    STRIPE = "stripe", "Stripe"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    REFUNDED = "refunded", "Refunded"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"


# Money was captured (and may since have been partly or wholly refunded).
CAPTURED_STATUSES = frozenset({PaymentStatus.SUCCEEDED, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED})


class RefundStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # asked of Stripe, not confirmed yet
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
