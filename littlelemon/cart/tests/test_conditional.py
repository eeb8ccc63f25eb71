"""The cart is a per-user conditional GET: a strong ETag from the user, their lines (`cart:<id>`)
and the menu, `Cache-Control: private, no-cache`, a 304 that reads the user and the stamps only,
a new ETag after every write that changes it, and never another user's 304."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from littlelemon.api.tests.conditional import PRIVATE, STRONG, assert_not_modified
from littlelemon.cart import services
from littlelemon.cart.models import CartLine
from littlelemon.menu.models import MenuItem
from littlelemon.menu.tests.factories import MenuItemFactory

from .factories import CartLineFactory

pytestmark = pytest.mark.django_db

CART = "/api/v1/cart/"


@pytest.fixture
def line(customer):
    return CartLineFactory(user=customer, menuitem=MenuItemFactory(title="Hummus", price=Decimal("6.50")), quantity=2)


def etag_of(client) -> str:
    response = client.get(CART)
    assert response.status_code == 200
    assert client.get(CART, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    return response["ETag"]


def test_headers_and_a_304_for_the_user_and_the_stamps(client_as, customer, line, django_assert_num_queries):
    client = client_as(customer)
    response = client.get(CART)

    assert STRONG.match(response["ETag"])
    assert response["Cache-Control"] == PRIVATE
    with django_assert_num_queries(2):  # the signed-in user, the stamps
        again = client.get(CART, HTTP_IF_NONE_MATCH=response["ETag"])
    assert_not_modified(again, response["ETag"], PRIVATE)
    head = client.head(CART, HTTP_IF_NONE_MATCH=response["ETag"])
    assert_not_modified(head, response["ETag"], PRIVATE)
    assert client.head(CART)["ETag"] == response["ETag"]


def test_no_other_user_gets_a_304_for_my_etag(client_as, customer, other_customer, line):
    mine = etag_of(client_as(customer))

    theirs = client_as(other_customer).get(CART, HTTP_IF_NONE_MATCH=mine)

    assert theirs.status_code == 200
    assert theirs.json()["items"] == []
    assert theirs["ETag"] != mine
    assert client_as(None).get(CART, HTTP_IF_NONE_MATCH=mine).status_code == 401


@pytest.mark.parametrize(
    "write",
    [
        lambda user, line: services.cart_item_update(owner=user, line_id=line.pk, quantity=5),
        lambda user, line: services.cart_item_add(owner=user, menuitem_id=MenuItemFactory().pk, quantity=1),
        lambda user, line: services.cart_clear(owner=user),
        lambda user, line: CartLine.objects.filter(pk=line.pk).update(quantity=9),
        lambda user, line: MenuItem.objects.filter(pk=line.menuitem_id).update(price=Decimal("7.25")),
        lambda user, line: MenuItem.objects.filter(pk=line.menuitem_id).update(available=False),
        lambda user, line: user.groups.add(Group.objects.get(name="kitchen")),
    ],
    ids=["service-update", "service-add", "service-clear", "queryset-update", "price", "sold-out", "role"],
)
def test_every_write_that_changes_my_cart_changes_its_etag(client_as, customer, line, write):
    client = client_as(customer)
    before = etag_of(client)

    write(customer, line)
    response = client.get(CART, HTTP_IF_NONE_MATCH=before)

    assert response.status_code == 200
    assert response["ETag"] != before
    assert response.json() == client.get(CART).json()


def test_another_users_cart_does_not_change_my_etag(client_as, customer, other_customer, line):
    client = client_as(customer)
    before = etag_of(client)

    services.cart_item_add(owner=other_customer, menuitem_id=line.menuitem_id, quantity=3)

    assert CartLine.objects.filter(user=other_customer).count() == 1
    assert client.get(CART, HTTP_IF_NONE_MATCH=before).status_code == 304
