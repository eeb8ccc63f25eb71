"""CartSerializer builds its dict directly (the cart is read on every page): it must say exactly
what DRF's declared fields say."""

from decimal import Decimal

import pytest
from rest_framework import serializers

from littlelemon.cart.selectors import cart_get
from littlelemon.cart.serializers import CartSerializer
from littlelemon.menu.tests.factories import MenuItemFactory

from .factories import CartLineFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", [0, 1, 5])
def test_the_fast_representation_is_the_declared_one(customer, size):
    prices = [Decimal("6.5"), Decimal("12.25"), Decimal("0.99"), Decimal("1000"), Decimal("3.10")]
    for n in range(size):
        CartLineFactory(user=customer, menuitem=MenuItemFactory(price=prices[n], available=n != 2), quantity=n + 1)

    cart = cart_get(owner=customer)

    declared = serializers.Serializer.to_representation(CartSerializer(), cart)
    assert CartSerializer(cart).data == declared
    assert len(declared["items"]) == size
