from datetime import datetime

from django.db.models import Count, Min, QuerySet

from .models import OutboxEvent


def event_list_for(*, aggregate: str, aggregate_id: int | str) -> QuerySet[OutboxEvent]:
    return OutboxEvent.objects.filter(aggregate=aggregate, aggregate_id=str(aggregate_id)).order_by("id")


def event_list_undelivered() -> QuerySet[OutboxEvent]:
    return OutboxEvent.objects.filter(delivered_at__isnull=True).order_by("id")


def outbox_backlog() -> tuple[int, datetime | None]:
    """How many events wait for delivery and when the oldest was written: one aggregate query."""
    row = event_list_undelivered().order_by().aggregate(count=Count("id"), oldest=Min("created"))
    return row["count"], row["oldest"]
