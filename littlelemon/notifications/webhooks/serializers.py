from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from littlelemon.events.models import Delivery, DeliveryAttempt, DeliveryStatus

from ..models import WebhookEndpoint
from .catalogue import EVENT_TYPES


@extend_schema_field({"type": "array", "items": {"type": "string", "enum": list(EVENT_TYPES)}, "minItems": 1})
class EventTypesField(serializers.ListField):
    """Names from the catalogue; which ones exist is the service's check (a clear 400 naming them)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("child", serializers.CharField(max_length=64))
        kwargs.setdefault("max_length", 50)
        kwargs.setdefault("help_text", "Event types to send: " + ", ".join(EVENT_TYPES) + ".")
        super().__init__(**kwargs)


class WebhookEndpointSerializer(serializers.ModelSerializer):
    """An endpoint as read back: never its secret."""

    event_types = EventTypesField(read_only=True)
    created_by = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "event_types",
            "active",
            "disabled_reason",
            "disabled_at",
            "created_by",
            "created",
            "updated",
        ]
        read_only_fields = fields


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    """The answer to a creation or a rotation: the only time the secret is shown."""

    secret = serializers.CharField(
        read_only=True, help_text="Signs the deliveries (docs/webhooks.md). Shown only now: store it."
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookEndpointCreateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2000, help_text="https://... (public addresses only).")
    event_types = EventTypesField()
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class WebhookEndpointUpdateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2000, required=False)
    event_types = EventTypesField(required=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    active = serializers.BooleanField(
        required=False, help_text="false stops the deliveries; true starts them again (the URL is checked again)."
    )


class DeliveryAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["number", "at", "succeeded", "response_code", "duration_ms", "error"]
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    """One delivery of one event to the endpoint: its status and every attempt."""

    id = serializers.UUIDField(read_only=True, help_text="The delivery id, as in the Little-Lemon-Delivery header.")
    event_id = serializers.IntegerField(read_only=True)
    event_type = serializers.CharField(source="event.type", read_only=True)
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, read_only=True)
    response_code = serializers.SerializerMethodField(help_text="The last attempt's HTTP status, if any.")
    duration_ms = serializers.SerializerMethodField(help_text="How long the last attempt took.")
    attempt_log = DeliveryAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "event_id",
            "event_type",
            "status",
            "attempts",
            "response_code",
            "duration_ms",
            "last_error",
            "next_attempt_at",
            "delivered_at",
            "created",
            "attempt_log",
        ]
        read_only_fields = fields

    def _last_attempt(self, delivery: Delivery) -> DeliveryAttempt | None:
        attempts = list(delivery.attempt_log.all())  # prefetched, in order
        return attempts[-1] if attempts else None

    def get_response_code(self, delivery: Delivery) -> int | None:
        last = self._last_attempt(delivery)
        return last.response_code if last else None

    def get_duration_ms(self, delivery: Delivery) -> int | None:
        last = self._last_attempt(delivery)
        return last.duration_ms if last else None


class DeliveryStatusQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, required=False)
