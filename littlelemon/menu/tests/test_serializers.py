"""The hand-written read representation never drifts from the documented MenuItemSerializer."""

from decimal import Decimal

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from littlelemon.menu.selectors import menu_item_list
from littlelemon.menu.serializers import MenuItemReadSerializer, MenuItemSerializer

from .factories import CategoryFactory, MenuItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dishes():
    mains = CategoryFactory(slug="mains", title="Mains")
    MenuItemFactory(title="Plain", price=Decimal("7.00"), category=mains)
    MenuItemFactory(
        title="Everything",
        description="=SUM(A1) <b>bold</b> ünïcode",
        price=Decimal("99999.99"),
        category=mains,
        featured=True,
        available=False,
        vegetarian=True,
        vegan=True,
        gluten_free=True,
        dairy_free=True,
        nut_free=True,
        allergens=["milk", "sesame"],
        image="menu/everything.jpg",
        position=7,
    )
    MenuItemFactory(title="Cheap", price=Decimal("0.01"), category=CategoryFactory(slug="drinks"), image="")
    return list(menu_item_list())


@pytest.mark.parametrize("with_request", [True, False], ids=["request", "no-request"])
def test_read_representation_equals_the_model_serializer(dishes, with_request):
    context = {"request": Request(APIRequestFactory().get("/", HTTP_HOST="testserver"))} if with_request else {}

    lean = MenuItemReadSerializer(dishes, many=True, context=context).data
    full = MenuItemSerializer(dishes, many=True, context=context).data

    assert lean == full
    assert [list(item) for item in lean] == [list(item) for item in full]  # same keys, same order
    by_title = {item["title"]: item for item in lean}
    expected_image = "http://testserver/media/menu/everything.jpg" if with_request else "/media/menu/everything.jpg"
    assert by_title["Everything"]["image"] == expected_image
    assert by_title["Everything"]["dietary"] == ["vegetarian", "vegan", "gluten-free", "dairy-free", "nut-free"]
    assert (by_title["Plain"]["image"], by_title["Cheap"]["price"]) == (None, "0.01")
