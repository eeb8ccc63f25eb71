from django.db.models import Prefetch, QuerySet

from littlelemon.events.models import Delivery, DeliveryAttempt

from ..models import WebhookEndpoint


def webhook_endpoint_list() -> QuerySet[WebhookEndpoint]:
    """The restaurant's endpoints, newest first (managers see them all)."""
    return WebhookEndpoint.objects.order_by("-id")


def webhook_endpoint_ids_for(*, event_type: str) -> list[int]:
    """The active endpoints subscribed to this event type. Filtered here rather than in SQL:
    SQLite has no JSON containment lookup, and a restaurant has a handful of endpoints."""
    rows = WebhookEndpoint.objects.filter(active=True).order_by("id").values_list("pk", "event_types")
    return [pk for pk, event_types in rows if event_type in event_types]


def webhook_delivery_list(*, endpoint: WebhookEndpoint, status: str | None = None) -> QuerySet[Delivery]:
    """The endpoint's delivery log, newest first, each with its event and its attempts (in order)."""
    deliveries = Delivery.objects.filter(target=endpoint.target)
    if status:
        deliveries = deliveries.filter(status=status)
    return (
        deliveries.select_related("event")
        .prefetch_related(Prefetch("attempt_log", queryset=DeliveryAttempt.objects.order_by("at", "id")))
        .order_by("-created", "-event_id")
    )
