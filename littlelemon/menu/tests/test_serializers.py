"""What MenuItemSerializer shows for a dish: the API's documented read representation."""

from decimal import Decimal

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from littlelemon.menu.selectors import menu_item_list
from littlelemon.menu.serializers import MenuItemSerializer

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
def test_read_representation(dishes, with_request):
    context = {"request": Request(APIRequestFactory().get("/", HTTP_HOST="testserver"))} if with_request else {}

    shown = MenuItemSerializer(dishes, many=True, context=context).data

    by_title = {item["title"]: item for item in shown}
    expected_image = "http://testserver/media/menu/everything.jpg" if with_request else "/media/menu/everything.jpg"
    assert list(by_title["Everything"]) == [
        "id", "title", "slug", "description", "price", "category", "category_title",
        "featured", "available", "dietary", "allergens", "image", "position", "archived", "is_combo", "has_options",
        "daily_portions", "portions_left", "orderable_now", "orderable_from",
    ]  # fmt: skip
    everything = by_title["Everything"]
    assert everything["image"] == expected_image
    assert everything["dietary"] == ["vegetarian", "vegan", "gluten-free", "dairy-free", "nut-free"]
    assert (everything["price"], everything["category"]) == ("99999.99", "mains")
    assert (everything["category_title"], everything["featured"], everything["available"]) == ("Mains", True, False)
    assert everything["allergens"] == ["milk", "sesame"]
    assert everything["description"] == "=SUM(A1) <b>bold</b> ünïcode"
    assert (by_title["Plain"]["image"], by_title["Cheap"]["price"]) == (None, "0.01")
