from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from littlelemon.events.models import OutboxEvent
from littlelemon.events.selectors import event_list_for, event_list_undelivered
from littlelemon.events.services import event_record

pytestmark = pytest.mark.django_db


def test_records_an_event_with_decimal_and_date_payload():
    with transaction.atomic():
        event = event_record(
            type="order.placed",
            aggregate="order",
            aggregate_id=7,
            payload={"total": Decimal("12.50"), "on": date(2026, 1, 2)},
        )

    event.refresh_from_db()
    assert (event.type, event.aggregate, event.aggregate_id) == ("order.placed", "order", "7")
    assert event.payload == {"total": "12.50", "on": "2026-01-02"}
    assert event.delivered_at is None
    assert list(event_list_for(aggregate="order", aggregate_id=7)) == [event]
    assert list(event_list_undelivered()) == [event]


def test_an_event_rolls_back_with_its_transaction():
    with pytest.raises(RuntimeError, match="boom"), transaction.atomic():
        event_record(type="order.placed", aggregate="order", aggregate_id=1, payload={})
        raise RuntimeError("boom")

    assert not OutboxEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_refuses_to_record_outside_a_transaction():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        event_record(type="order.placed", aggregate="order", aggregate_id=1, payload={})
    assert not OutboxEvent.objects.exists()
