"""A restaurant with a name, an address and a menu, and customers who order and book through
the real services, so the e-mails are made from real outbox events."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import transaction

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.bookings import services as booking_services
from littlelemon.bookings.tests.factories import TableFactory
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.events.models import OutboxEvent
from littlelemon.menu.tests.factories import MenuItemFactory
from littlelemon.orders import placement
from littlelemon.restaurant.services import restaurant_settings_update

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
    from littlelemon.events.services import event_record

    with transaction.atomic():
        return event_record(type=type, aggregate="test", aggregate_id=1, payload=payload)
