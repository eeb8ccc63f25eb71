from django.db.models import QuerySet

from .models import OutboxEvent


def event_list_for(*, aggregate: str, aggregate_id: int | str) -> QuerySet[OutboxEvent]:
    return OutboxEvent.objects.filter(aggregate=aggregate, aggregate_id=str(aggregate_id)).order_by("id")


def event_list_undelivered() -> QuerySet[OutboxEvent]:
    return OutboxEvent.objects.filter(delivered_at__isnull=True).order_by("id")
