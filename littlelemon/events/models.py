import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class OutboxEvent(models.Model):
    """A domain event, written in the same transaction as the change it describes.

    The relay (events/relay.py) routes each event once to its handlers' targets, one `Delivery`
    each, and stamps `delivered_at` when every delivery is final (delivered or dead-lettered).
    Because the row commits or rolls back with the change, no event is lost and none is invented.
    """

    type = models.CharField(max_length=64, db_index=True, help_text="e.g. order.placed, booking.cancelled")
    aggregate = models.CharField(max_length=32, help_text="What the event is about, e.g. order, booking.")
    aggregate_id = models.CharField(max_length=64)
    payload = models.JSONField(encoder=DjangoJSONEncoder)
    created = models.DateTimeField(auto_now_add=True)
    routed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the relay created this event's deliveries (once)."
    )
    delivered_at = models.DateTimeField(
        null=True, blank=True, help_text="When every delivery of the event was final: delivered or dead."
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["aggregate", "aggregate_id", "id"], name="events_aggregate_idx"),
            models.Index(fields=["id"], condition=models.Q(delivered_at__isnull=True), name="events_undelivered_idx"),
            models.Index(fields=["id"], condition=models.Q(routed_at__isnull=True), name="events_unrouted_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.aggregate}#{self.aggregate_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    DEAD = "dead", "Dead letter"


class Delivery(models.Model):
    """One event for one target of a handler ("email", "webhook:12"): its own retries and log.

    The id is the delivery id receivers see (the e-mail's Message-ID, the webhook's
    `Little-Lemon-Delivery` header): a send repeated after a crash carries the same one, so the
    receiver can drop the copy. `aggregate` repeats the event's "order:12" so that the relay can
    keep each target's deliveries of one aggregate in order with one index.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    target = models.CharField(max_length=64, help_text='The handler and what it sends to: "email", "webhook:12".')
    aggregate = models.CharField(max_length=100)
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(help_text="Not tried again before this time (backoff).")
    leased_until = models.DateTimeField(
        null=True, blank=True, help_text="A worker is sending it; another may take it after this time."
    )
    last_error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event_id", "target"]
        verbose_name_plural = "deliveries"
        constraints = [models.UniqueConstraint(fields=["event", "target"], name="events_delivery_once")]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="events_delivery_due_idx",
            ),
            models.Index(
                fields=["target", "aggregate", "event"],
                condition=models.Q(status="pending"),
                name="events_delivery_order_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} {self.event_id} ({self.status})"


class DeliveryAttempt(models.Model):
    """One try of a delivery: what the receiver said, how long it took. The delivery log."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    at = models.DateTimeField(auto_now_add=True)
    succeeded = models.BooleanField()
    response_code = models.PositiveIntegerField(null=True, blank=True, help_text="HTTP status, for webhooks.")
    duration_ms = models.PositiveIntegerField()
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"
