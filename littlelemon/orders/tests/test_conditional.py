"""Order lists and orders are per-user conditional GETs: a strong ETag from the user, their roles
and the orders they may see (`orders:<id>`, or `orders` for a manager) with the names on them
(`people`); `private, no-cache`; a 304 that reads the user, their roles and the stamps; a new
ETag after each kind of write that changes the answer, and never another user's 304."""

import pytest
from django.contrib.auth.models import Group

from conftest import api_client_for
from littlelemon.accounts.models import User
from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.api.tests.conditional import PRIVATE, STRONG, assert_not_modified
from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.models import Order, OrderItem

from .factories import OrderFactory

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/orders/"


def accept(order, manager) -> None:
    """A manager accepts the order through the API (its service, as every page does)."""
    response = api_client_for(manager).post(f"{ORDERS}{order.pk}/status/", {"status": OrderStatus.ACCEPTED})
    assert response.status_code == 200, response.content


def assign(order, manager, crew) -> None:
    response = api_client_for(manager).post(f"{ORDERS}{order.pk}/assign/", {"delivery_crew": crew.pk})
    assert response.status_code == 200, response.content


def etag_of(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.content
    assert client.get(path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    return response["ETag"]


def revalidated(client, path, etag):
    response = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200, response.status_code
    assert response["ETag"] != etag
    return response.json()


@pytest.fixture
def order(customer):
    return OrderFactory(customer=customer, items=2)


@pytest.mark.parametrize("path", [ORDERS, "one"])
def test_headers_and_a_304_for_the_user_roles_and_stamps(client_as, customer, order, path, django_assert_num_queries):
    path = f"{ORDERS}{order.pk}/" if path == "one" else path
    client = client_as(customer)
    response = client.get(path)

    assert STRONG.match(response["ETag"]) and response["Cache-Control"] == PRIVATE
    with django_assert_num_queries(3):  # the signed-in user, their roles, the stamps
        again = client.get(path, HTTP_IF_NONE_MATCH=response["ETag"])
    assert_not_modified(again, response["ETag"], PRIVATE)
    assert_not_modified(client.head(path, HTTP_IF_NONE_MATCH=response["ETag"]), response["ETag"], PRIVATE)


def test_no_other_user_gets_a_304_for_my_etag(client_as, customer, other_customer, manager, order):
    mine = etag_of(client_as(customer), ORDERS)

    theirs = client_as(other_customer).get(ORDERS, HTTP_IF_NONE_MATCH=mine)
    managers = client_as(manager).get(ORDERS, HTTP_IF_NONE_MATCH=mine)
    one = client_as(other_customer).get(f"{ORDERS}{order.pk}/", HTTP_IF_NONE_MATCH=mine)

    assert (theirs.status_code, theirs.json()["count"]) == (200, 0)
    assert (managers.status_code, managers.json()["count"]) == (200, 1)
    assert one.status_code == 404


@pytest.mark.parametrize(
    "write",
    [
        lambda order, manager: accept(order, manager),
        lambda order, manager: Order.objects.filter(pk=order.pk).update(notes="Ring twice"),
        lambda order, manager: OrderItem.objects.filter(order=order).update(quantity=3),
        lambda order, manager: User.objects.filter(pk=order.customer_id).update(first_name="Renamed"),
        lambda order, manager: OrderFactory(customer=order.customer),
    ],
    ids=["api-status-change", "queryset-update", "items", "name", "new-order"],
)
@pytest.mark.parametrize("path", [ORDERS, "one"])
def test_every_kind_of_write_that_changes_the_answer_changes_the_etag(client_as, customer, manager, order, write, path):
    path = f"{ORDERS}{order.pk}/" if path == "one" else path
    client = client_as(customer)
    before = etag_of(client, path)

    write(order, manager)

    assert revalidated(client, path, before) == client.get(path).json()


def test_a_role_change_changes_the_etag_and_the_answer(client_as, customer, other_customer, order):
    OrderFactory(customer=other_customer)
    client = client_as(customer)
    before = etag_of(client, ORDERS)

    customer.groups.add(Group.objects.get(name="manager"))

    assert revalidated(client, ORDERS, before)["count"] == 2


def test_another_customers_order_does_not_change_my_etag(client_as, customer, other_customer, manager, order):
    theirs = OrderFactory(customer=other_customer)
    client = client_as(customer)
    before = etag_of(client, ORDERS)

    accept(theirs, manager)
    OrderFactory(customer=other_customer)

    assert Order.objects.get(pk=theirs.pk).status == OrderStatus.ACCEPTED
    assert client.get(ORDERS, HTTP_IF_NONE_MATCH=before).status_code == 304


def test_assigning_a_driver_changes_the_drivers_etag(client_as, manager, order):
    crew = UserFactory(roles=["delivery-crew"])
    client = client_as(crew)
    before = etag_of(client, ORDERS)
    accept(order, manager)
    assert client.get(ORDERS, HTTP_IF_NONE_MATCH=before).status_code == 304  # not theirs yet

    assign(order, manager, crew)

    assert [o["id"] for o in revalidated(client, ORDERS, before)["results"]] == [order.pk]
