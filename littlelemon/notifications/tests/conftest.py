"""Fixtures of the notifications' tests.

E-mails: a restaurant with a name, an address and a menu, and customers who order and book
through the real services, so the e-mails are made from real outbox events. Webhooks: a real
HTTP receiver on loopback, endpoints, and the documented verification snippet.
"""

import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.bookings import services as booking_services
from littlelemon.bookings.tests.factories import TableFactory
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.core.tests.receivers import http_receiver
from littlelemon.events.models import OutboxEvent
from littlelemon.events.services import event_record
from littlelemon.menu.tests.factories import MenuItemFactory
from littlelemon.notifications.webhooks import services
from littlelemon.orders import placement
from littlelemon.restaurant.services import restaurant_settings_update

DOCS = Path(__file__).resolve().parents[3] / "docs" / "webhooks.md"


@pytest.fixture
def loopback_allowed(settings):
    """Tests reach their receiver on 127.0.0.1 over http: allow both, as the docs say to."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOKS_ALLOW_HTTP = True
    return settings


@pytest.fixture
def receiver(loopback_allowed):
    """A real HTTP receiver on 127.0.0.1 (core/tests/receivers.py)."""
    with http_receiver() as receiver:
        yield receiver


@pytest.fixture
def make_endpoint(loopback_allowed, manager):
    def make(url: str = "http://127.0.0.1:9/hook", event_types=("order.placed",), **kwargs):
        return services.webhook_endpoint_create(url=url, event_types=list(event_types), actor=manager, **kwargs)

    return make


def record_event(type: str = "order.placed", aggregate_id: int = 1, **payload) -> OutboxEvent:
    with transaction.atomic():
        return event_record(
            type=type, aggregate=type.split(".")[0], aggregate_id=aggregate_id, payload=payload or {"order_id": 1}
        )


def documented_verify():
    """The `verify` function of docs/webhooks.md, executed from the doc itself so it cannot drift."""
    text = DOCS.read_text()
    block = re.search(r"<!-- verify-snippet[^>]*-->\s*```python\n(.*?)```", text, re.DOTALL)
    assert block, "docs/webhooks.md has lost its verification snippet"
    namespace: dict = {}
    exec(compile(block.group(1), str(DOCS), "exec"), namespace)  # noqa: S102 (our own documentation)
    return namespace["verify"]


# Monday 1 June 2026, 12:00 in Chicago (CDT, UTC-5): the restaurant is always open (no hours set).
NOW = datetime(2026, 6, 1, 17, 0, tzinfo=UTC)


@pytest.fixture
def restaurant(db):
    return restaurant_settings_update(
        data={
            "name": "Little Lemon",
            "address": "1 Lemon Street, Chicago",
            "phone": "+1 312 555 0142",
            "email": "hello@littlelemon.example",
            "tax_rate": Decimal("10"),
            "delivery_fee": Decimal("5.00"),
        }
    )


@pytest.fixture
def diner(db):
    return UserFactory(username="ada", first_name="Ada", last_name="Lovelace", email="ada@example.com")


@pytest.fixture
def place_order(restaurant, freeze):
    """`place_order(customer, fulfilment="delivery", ...)`: an order of 2 × Greek Salad (12.50)
    and 1 × Lemon Dessert (6.00), placed through `order_place` at NOW."""

    def place(customer, *, fulfilment="delivery", tip=Decimal("3.00"), **options):
        freeze(NOW)
        CartLineFactory(
            user=customer, menuitem=MenuItemFactory(title="Greek Salad", price=Decimal("12.50")), quantity=2
        )
        CartLineFactory(
            user=customer, menuitem=MenuItemFactory(title="Lemon Dessert", price=Decimal("6.00")), quantity=1
        )
        address = "42 Orchard Road, Chicago" if fulfilment == "delivery" else ""
        order, _ = placement.order_place(
            customer=customer, fulfilment=fulfilment, delivery_address=address, tip=tip, now=NOW, **options
        )
        return order

    return place


@pytest.fixture
def book_table(restaurant, freeze):
    """`book_table(customer)`: a table for 2 on Tuesday 2 June at 19:30 Chicago time, booked at NOW."""

    def book(customer, **options):
        freeze(NOW)
        TableFactory(label="T1", seats=4)
        return booking_services.booking_create(
            actor=customer, start=datetime(2026, 6, 3, 0, 30, tzinfo=UTC), party_size=2, now=NOW, **options
        )

    return book


def last_event(type: str) -> OutboxEvent:
    return OutboxEvent.objects.filter(type=type).latest("pk")


def record(type: str, **payload) -> OutboxEvent:
    with transaction.atomic():
        return event_record(type=type, aggregate="test", aggregate_id=1, payload=payload)
