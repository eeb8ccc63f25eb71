from typing import Any

from django.db import transaction

from .models import OutboxEvent
from .relay import relay_enqueue
from .signals import event_committed


def event_record(*, type: str, aggregate: str, aggregate_id: int | str, payload: dict[str, Any]) -> OutboxEvent:
    """Write a domain event to the outbox, inside the caller's transaction.

    Call it from the service that makes the change, within that service's `transaction.atomic`,
    so the event exists if and only if the change does. Payload values may be Decimal, dates
    and UUIDs (stored with DjangoJSONEncoder). Once the transaction commits, a worker is asked to
    run the relay, and `event_committed` is sent in this process (the live streams read it at once).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("event_record() must run inside the transaction that makes the change")
    event = OutboxEvent.objects.create(type=type, aggregate=aggregate, aggregate_id=str(aggregate_id), payload=payload)
    transaction.on_commit(relay_enqueue)
    transaction.on_commit(lambda: _announce(event))
    return event


def _announce(event: OutboxEvent) -> None:
    event_committed.send_robust(sender=OutboxEvent, event_id=event.pk, aggregate=event.aggregate, type=event.type)
