from django.conf import settings
from django.db import models

from littlelemon.core.models import TimeStampedModel


class WebhookEndpoint(TimeStampedModel):
    """A receiver a manager registered: every event of its chosen types is POSTed to it, signed.

    The secret signs the deliveries (HMAC-SHA256, docs/webhooks.md). The sender needs it in the
    clear, so it is stored as it is (not hashed) and shown once, in the answer to the creation or
    the rotation; the API and the admin never show it again.
    """

    url = models.CharField(max_length=2000, help_text="https://... where the deliveries are POSTed.")
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list, help_text="The event types sent to it, e.g. order.placed.")
    secret = models.CharField(max_length=100, editable=False)
    active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=500, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"Webhook #{self.pk} {self.url}"

    @property
    def target(self) -> str:
        """Its deliveries' target in the outbox (events.Delivery.target)."""
        return webhook_target(self.pk)


def webhook_target(endpoint_id: int) -> str:
    return f"webhook:{endpoint_id}"
