"""Every role × every order endpoint, on the caller's own orders and on other people's.

Seeing comes first: an order you may not see is a 404 whatever you try; one you see but may
not move is a 403. The setups give each role what matters to it (a driver is the assigned one
where the row says so), and a refused request must leave the order as it was.
"""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.utils import timezone

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.api.tests.matrix import ADMIN, ANON, CREW, CUSTOMER, KITCHEN, MANAGER, Row, cell_ids, cells, run_row
from littlelemon.apikeys.scopes import ORDERS_READ, ORDERS_WRITE
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.orders.models import Order, OrderEvent

from .factories import OrderFactory


def expect(anon=401, customer=404, kitchen=404, crew=404, manager=200, admin=200) -> dict[str, int]:
    return {ANON: anon, CUSTOMER: customer, KITCHEN: kitchen, CREW: crew, MANAGER: manager, ADMIN: admin}


def _cart(user):
    CartLineFactory(user=user or UserFactory())
    return {}


def _own(status="placed", fulfilment="delivery"):
    def setup(user):
        return {"order": OrderFactory(customer=user or UserFactory(), status=status, fulfilment=fulfilment).pk}

    return setup


def _someone_elses(status="placed", fulfilment="delivery", assign_to_crew=False, **fields):
    """Another customer's order; with `assign_to_crew`, assigned to the caller if they are
    delivery crew (else to some other driver, so that a manager can send it out)."""

    def setup(user):
        crew = None
        if assign_to_crew:
            crew = user if user is not None and user.is_delivery_crew else UserFactory(roles=["delivery-crew"])
        order = OrderFactory(status=status, fulfilment=fulfilment, delivery_crew=crew, **fields)
        return {"order": order.pk, "crew": UserFactory(roles=["delivery-crew"]).pk}

    return setup


def _finished_long_ago(user):
    order = OrderFactory(status="delivered", finished_at=timezone.now() - timedelta(days=2))
    return {"order": order.pk}


def status(value):
    return lambda ctx: {"status": value}


ROWS = [
    Row("GET", "/api/v1/orders/", expect(customer=200, kitchen=200, crew=200), scope=ORDERS_READ),
    Row(
        "POST",
        "/api/v1/orders/",
        expect(customer=201, kitchen=201, crew=201, manager=201, admin=201),
        setup=_cart,
        payload=lambda ctx: {"fulfilment": "pickup"},
    ),
    # reading one's own order, and others'
    Row("GET", "/api/v1/orders/{order}/", expect(customer=200, kitchen=200, crew=200), setup=_own(), scope=ORDERS_READ),
    Row(
        "GET",
        "/api/v1/orders/{order}/events/",
        expect(customer=200, kitchen=200, crew=200),
        setup=_own(),
        scope=ORDERS_READ,
    ),
    Row("GET", "/api/v1/orders/{order}/", expect(kitchen=200), setup=_someone_elses(), scope=ORDERS_READ),
    Row("GET", "/api/v1/orders/{order}/events/", expect(kitchen=200), setup=_someone_elses(), scope=ORDERS_READ),
    Row("GET", "/api/v1/orders/{order}/", expect(), setup=_finished_long_ago, scope=ORDERS_READ),
    Row(
        "GET",
        "/api/v1/orders/{order}/",
        expect(kitchen=200, crew=200),
        setup=_someone_elses(assign_to_crew=True),
        scope=ORDERS_READ,
    ),
    Row(
        "GET",
        "/api/v1/orders/{order}/events/",
        expect(kitchen=200, crew=200),
        setup=_someone_elses(assign_to_crew=True),
        scope=ORDERS_READ,
    ),
    # the lifecycle on someone else's order
    Row(
        "POST",
        "/api/v1/orders/{order}/status/",
        expect(kitchen=403),
        setup=_someone_elses(),
        payload=status("accepted"),
        scope=ORDERS_WRITE,
    ),
    Row(
        "POST",
        "/api/v1/orders/{order}/status/",
        expect(kitchen=403),
        setup=_someone_elses(),
        payload=status("rejected"),
        scope=ORDERS_WRITE,
    ),
    Row(
        "POST",
        "/api/v1/orders/{order}/status/",
        expect(kitchen=403),
        setup=_someone_elses(),
        payload=status("cancelled"),
        scope=ORDERS_WRITE,
    ),
    Row(
        "POST",
        "/api/v1/orders/{order}/status/",
        expect(kitchen=200),
        setup=_someone_elses("accepted"),
        payload=status("preparing"),
        scope=ORDERS_WRITE,
    ),
    Row(
        "POST",
        "/api/v1/orders/{order}/status/",
        expect(kitchen=200),
        setup=_someone_elses("preparing"),
        payload=status("ready"),
        scope=ORDERS_WRITE,
    ),
    Row(
        "POST",
        "/api/v1/orders/{order}/status/",
        expect(kitchen=403, crew=200),
        setup=_someone_elses("ready", assign_to_crew=True),
        payload=status("out_for_delivery"),
        scope=ORDERS_WRITE,
    ),
    Row(
        "POST",
        "/api/v1/orders/{order}/status/",
        expect(kitchen=403, crew=200),  # the kitchen sees open orders, but this step is the driver's
        setup=_someone_elses("out_for_delivery", assign_to_crew=True),
        payload=status("delivered"),
        scope=ORDERS_WRITE,
    ),
    Row(
        "POST",
        "/api/v1/orders/{order}/status/",
        expect(kitchen=200),
        setup=_someone_elses("ready", fulfilment="pickup"),
        payload=status("collected"),
        scope=ORDERS_WRITE,
    ),
    Row(
        "POST",
        "/api/v1/orders/{order}/status/",
        expect(kitchen=409, manager=409, admin=409),
        setup=_someone_elses("preparing"),
        payload=status("delivered"),
        scope=ORDERS_WRITE,
    ),
    # the lifecycle on one's own order
    Row(
        "POST",
        "/api/v1/orders/{order}/status/",
        expect(customer=200, kitchen=200, crew=200),
        setup=_own(),
        payload=status("cancelled"),
        scope=ORDERS_WRITE,
    ),
    Row(
        "POST",
        "/api/v1/orders/{order}/status/",
        expect(customer=403, kitchen=403, crew=403),
        setup=_own(),
        payload=status("accepted"),
        scope=ORDERS_WRITE,
    ),
    Row(
        "POST",
        "/api/v1/orders/{order}/status/",
        expect(customer=403, kitchen=403, crew=403),
        setup=_own("accepted"),
        payload=status("cancelled"),
        scope=ORDERS_WRITE,
    ),
    # assignment
    Row(
        "POST",
        "/api/v1/orders/{order}/assign/",
        expect(kitchen=403),
        setup=_someone_elses(),
        payload=lambda ctx: {"delivery_crew": ctx["crew"]},
        scope=ORDERS_WRITE,
    ),
    Row(
        "POST",
        "/api/v1/orders/{order}/assign/",
        expect(kitchen=403, crew=403),
        setup=_someone_elses(assign_to_crew=True),
        payload=lambda ctx: {"delivery_crew": ctx["crew"]},
        scope=ORDERS_WRITE,
    ),
    Row(
        "POST",
        "/api/v1/orders/{order}/assign/",
        expect(customer=403, kitchen=403, crew=403),
        setup=lambda user: _own()(user) | {"crew": UserFactory(roles=["delivery-crew"]).pk},
        payload=lambda ctx: {"delivery_crew": ctx["crew"]},
        scope=ORDERS_WRITE,
    ),
]


def snapshot() -> tuple:
    return (
        sorted(Order.objects.values_list("pk", "status", "delivery_crew_id", "payment_status")),
        OrderEvent.objects.count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "role"), cells(ROWS), ids=cell_ids(ROWS))
def test_permission_matrix(row, role):
    before = {}

    def setup(user):
        context = row.setup(user)
        before["state"] = snapshot()
        return context

    response = run_row(replace(row, setup=setup), role)

    if response.status_code >= 400:  # a refused request changed no order
        assert snapshot() == before["state"]
