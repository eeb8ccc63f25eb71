"""The admin shows orders (with their items and timeline), their events and items, and cart
lines, read-only: money and status change only through the services."""

import pytest
from django.test import Client

from littlelemon.cart.tests.factories import CartLineFactory

from .factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/admin/orders/order/",
        "/admin/orders/order/?status__exact=placed&fulfilment__exact=delivery&q=Lemon",
        "/admin/orders/order/{order}/change/",
        "/admin/orders/orderevent/?kind__exact=placed&q=x",
        "/admin/orders/orderitem/?q=Dish",
        "/admin/cart/cartline/?q=user",
        "/admin/cart/cartline/{line}/change/",
    ],
)
def test_admin_pages_render(admin_client_, path, crew_user):
    order = OrderFactory(items=2, delivery_crew=crew_user)
    line = CartLineFactory()

    response = admin_client_.get(path.format(order=order.pk, line=line.pk))

    assert response.status_code == 200


def test_orders_cannot_be_added_changed_or_deleted_in_the_admin(admin_client_):
    order = OrderFactory(items=1)

    add = admin_client_.get("/admin/orders/order/add/")
    change = admin_client_.post(f"/admin/orders/order/{order.pk}/change/", {"status": "delivered"})
    delete = admin_client_.post(f"/admin/orders/order/{order.pk}/delete/", {"post": "yes"})

    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    order.refresh_from_db()
    assert order.status == "placed"
