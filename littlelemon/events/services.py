from typing import Any

from django.db import transaction

from .models import OutboxEvent


def event_record(*, type: str, aggregate: str, aggregate_id: int | str, payload: dict[str, Any]) -> OutboxEvent:
    """Write a domain event to the outbox, inside the caller's transaction.

    Call it from the service that makes the change, within that service's `transaction.atomic`,
    so the event exists if and only if the change does. Payload values may be Decimal, dates
    and UUIDs (stored with DjangoJSONEncoder).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("event_record() must run inside the transaction that makes the change")
    return OutboxEvent.objects.create(type=type, aggregate=aggregate, aggregate_id=str(aggregate_id), payload=payload)
