from datetime import datetime
from typing import NamedTuple

from django.db.models import Count, Min, Q, QuerySet

from .models import Delivery, DeliveryStatus, OutboxEvent


def event_list_for(*, aggregate: str, aggregate_id: int | str) -> QuerySet[OutboxEvent]:
    return OutboxEvent.objects.filter(aggregate=aggregate, aggregate_id=str(aggregate_id)).order_by("id")


def event_list_undelivered() -> QuerySet[OutboxEvent]:
    return OutboxEvent.objects.filter(delivered_at__isnull=True).order_by("id")


def outbox_backlog() -> tuple[int, datetime | None]:
    """How many events wait for delivery and when the oldest was written: one aggregate query."""
    row = event_list_undelivered().order_by().aggregate(count=Count("id"), oldest=Min("created"))
    return row["count"], row["oldest"]


class DeliveryBacklog(NamedTuple):
    pending: int
    dead: int
    oldest_pending: datetime | None  # when the oldest delivery still to be made was created


def delivery_backlog() -> DeliveryBacklog:
    """Deliveries still to be made (retries included) and dead-lettered ones: one aggregate query."""
    pending, dead = Q(status=DeliveryStatus.PENDING), Q(status=DeliveryStatus.DEAD)
    row = Delivery.objects.order_by().aggregate(
        pending=Count("pk", filter=pending), dead=Count("pk", filter=dead), oldest=Min("created", filter=pending)
    )
    return DeliveryBacklog(row["pending"], row["dead"], row["oldest"])
