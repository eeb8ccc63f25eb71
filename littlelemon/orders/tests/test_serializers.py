"""OrderSerializer builds its dict directly (it is the hottest read after the menu): it must
say exactly what DRF's declared fields say, for every kind of order and every viewer."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.utils import timezone
from rest_framework import serializers

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.orders.enums import Fulfilment, OrderStatus
from littlelemon.orders.selectors import order_list_visible_to
from littlelemon.orders.serializers import OrderSerializer

from .factories import OrderFactory

pytestmark = pytest.mark.django_db


def declared(order, user) -> dict:
    """What DRF's fields make of the order (the contract the fast path must match)."""
    request = RequestFactory().get("/")
    request.user = user
    serializer = OrderSerializer(context={"request": request})
    return serializers.ModelSerializer.to_representation(serializer, order)


def fast(order, user) -> dict:
    request = RequestFactory().get("/")
    request.user = user
    return OrderSerializer(order, context={"request": request}).data


@pytest.mark.parametrize("role", ["customer", "kitchen", "delivery-crew", "manager"])
def test_the_fast_representation_is_the_declared_one(role):
    viewer = UserFactory(roles=[] if role == "customer" else [role], first_name="Dana", last_name="Driver")
    crew = viewer if role == "delivery-crew" else UserFactory(roles=["delivery-crew"], first_name="Al", last_name="")
    customer = viewer if role == "customer" else UserFactory(first_name="", last_name="", username="nameless")
    OrderFactory(customer=customer, delivery_crew=crew, items=3, notes="Ring twice", tip=Decimal("2.5"))
    OrderFactory(
        customer=customer,
        fulfilment=Fulfilment.PICKUP,
        status=OrderStatus.READY,
        scheduled_for=datetime(2026, 7, 1, 18, 30, tzinfo=UTC),
        items=1,
    )
    OrderFactory(customer=customer, status=OrderStatus.DELIVERED, delivery_crew=crew, subtotal=Decimal("7"))
    OrderFactory(customer=customer, delivery_crew=crew, items=0)

    orders = list(order_list_visible_to(user=viewer))

    # The kitchen does not see the delivered order, the driver not the pickup one.
    assert len(orders) == {"kitchen": 3, "delivery-crew": 3}.get(role, 4)
    for order in orders:
        assert fast(order, viewer) == declared(order, viewer)


def test_times_are_in_the_current_time_zone_and_utc_is_z():
    order = OrderFactory(items=1, scheduled_for=datetime(2026, 7, 1, 23, 0, tzinfo=UTC))
    viewer = order.customer

    with timezone.override("UTC"):
        assert (
            fast(order, viewer)["scheduled_for"] == "2026-07-01T23:00:00Z" == declared(order, viewer)["scheduled_for"]
        )
    assert (
        fast(order, viewer)["scheduled_for"] == "2026-07-01T18:00:00-05:00" == declared(order, viewer)["scheduled_for"]
    )
