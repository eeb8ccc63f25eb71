from datetime import datetime

import pytest
from django.utils import timezone

from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.models import Order, OrderItem
from littlelemon.orders.tests.factories import OrderFactory


def order_of(customer, dishes, *, at: datetime | None = None, status: str = OrderStatus.DELIVERED) -> Order:
    """An order of `customer` holding `dishes` (one line each), placed `at`."""
    order = OrderFactory(customer=customer, status=status)
    OrderItem.objects.bulk_create(
        OrderItem(order=order, menuitem=dish, title=dish.title, unit_price=dish.price, quantity=1, price=dish.price)
        for dish in dishes
    )
    if at is not None:
        Order.objects.filter(pk=order.pk).update(created=at)
    return order


@pytest.fixture
def place():
    return order_of


@pytest.fixture
def now():
    return timezone.now()
