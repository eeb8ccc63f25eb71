from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class OutboxEvent(models.Model):
    """A domain event, written in the same transaction as the change it describes.

    A worker delivers undelivered events (emails, webhooks) and stamps `delivered_at`; because
    the row commits or rolls back with the change, no event is lost and none is invented.
    """

    type = models.CharField(max_length=64, db_index=True, help_text="e.g. order.placed, booking.cancelled")
    aggregate = models.CharField(max_length=32, help_text="What the event is about, e.g. order, booking.")
    aggregate_id = models.CharField(max_length=64)
    payload = models.JSONField(encoder=DjangoJSONEncoder)
    created = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["aggregate", "aggregate_id", "id"], name="events_aggregate_idx"),
            models.Index(fields=["id"], condition=models.Q(delivered_at__isnull=True), name="events_undelivered_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.aggregate}#{self.aggregate_id}"
