"""Pinned query counts on the hot paths: the same number of queries for 1 order or 50 (with 5
items each), for a cart of 1 line or 30, whoever asks."""

from decimal import Decimal

import pytest

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.menu.tests.factories import MenuItemFactory
from littlelemon.orders.models import Order

from .counting import savepoints
from .factories import OrderFactory

pytestmark = pytest.mark.django_db

# Signed-in user; their roles; the version stamps; the page's count; the page; its items.
LIST_QUERIES = 6


@pytest.mark.parametrize("size", [1, 50])
@pytest.mark.parametrize("role", ["customer", "delivery-crew", "kitchen", "manager"])
def test_the_order_list_is_a_fixed_number_of_queries(client_as, django_assert_num_queries, role, size):
    user = UserFactory(roles=[] if role == "customer" else [role])
    crew = user if role == "delivery-crew" else UserFactory(roles=["delivery-crew"])
    for _ in range(size):
        OrderFactory(customer=user if role == "customer" else UserFactory(), delivery_crew=crew, items=5)
    client = client_as(user)

    with django_assert_num_queries(LIST_QUERIES - (role == "kitchen")):  # the kitchen's has no ETag
        response = client.get("/api/v1/orders/", {"page_size": 50})
    # Revalidated with nothing changed: a 304 after the user, their roles and the stamps (the
    # kitchen's list depends on the clock: rendered again).
    etag = response.get("ETag", '"none"')
    with django_assert_num_queries(LIST_QUERIES - 1 if role == "kitchen" else 3):
        again = client.get("/api/v1/orders/", {"page_size": 50}, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert len(response.json()["results"]) == size
    assert all(len(order["items"]) == 5 for order in response.json()["results"])
    if role == "kitchen":
        assert "ETag" not in response and again.content == response.content
    else:
        assert (again.status_code, again.content, again["ETag"]) == (304, b"", etag)


@pytest.mark.parametrize("size", [1, 30])
def test_an_order_and_its_timeline_are_a_fixed_number_of_queries(client_as, customer, django_assert_num_queries, size):
    order = OrderFactory(customer=customer, items=size)
    client = client_as(customer)

    with django_assert_num_queries(5):  # user, roles, the stamps, the order, its items
        response = client.get(f"/api/v1/orders/{order.pk}/")
    with django_assert_num_queries(3):  # user, roles, the stamps: unchanged, a 304
        again = client.get(f"/api/v1/orders/{order.pk}/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert (response.status_code, again.status_code) == (200, 304)
    assert len(response.json()["items"]) == size
    with django_assert_num_queries(4):  # user, roles, may they see it, the events
        client.get(f"/api/v1/orders/{order.pk}/events/")


@pytest.mark.parametrize("size", [1, 30])
def test_placing_an_order_is_a_fixed_number_of_queries(client_as, customer, django_assert_num_queries, size):
    for _ in range(size):
        CartLineFactory(user=customer, menuitem=MenuItemFactory(price=Decimal("20.00")))
    client = client_as(customer)

    # user; inside the transaction: the cart lines with their dishes (locked on PostgreSQL),
    # the idempotency key, the settings, the hours, the closures, the dishes' time windows, the
    # order (in its own savepoint), its items (one bulk insert), its event, empty the cart (one
    # delete), the outbox; then the answer: roles, the order's items.
    with django_assert_num_queries(14 + savepoints(2)):
        response = client.post("/api/v1/orders/", {"fulfilment": "pickup"}, HTTP_IDEMPOTENCY_KEY=f"size-{size}")

    assert response.status_code == 201
    assert len(response.json()["items"]) == size
    assert Order.objects.get().items.count() == size


def test_a_status_change_is_a_fixed_number_of_queries(client_as, manager, django_assert_num_queries):
    order = OrderFactory(items=5)
    client = client_as(manager)

    # user, roles, may they see it; lock the order; update; audit entry; event; outbox; the answer
    # (order, items).
    with django_assert_num_queries(10 + savepoints(1)):
        response = client.post(f"/api/v1/orders/{order.pk}/status/", {"status": "accepted"})

    assert response.status_code == 200
