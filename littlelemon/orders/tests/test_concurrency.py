"""Races with real threads against one database (SQLite file or PostgreSQL), through the API.

Each thread has its own database connection and closes it at the end; a barrier starts them
together. Nothing here measures time: the assertions are about what was written.
"""

from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from conftest import api_client_for
from littlelemon.accounts.enums import Role
from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.cart.models import CartLine
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.core.tests.concurrency import race
from littlelemon.events.models import OutboxEvent
from littlelemon.menu.models import MenuItem
from littlelemon.menu.tests.factories import MenuItemFactory
from littlelemon.orders.enums import EventKind
from littlelemon.orders.models import Order, OrderEvent, OrderItem
from littlelemon.orders.placement import _cart_lines_locked

from .factories import OrderFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _roles():
    """A transactional test may start from a flushed database, without the groups the roles
    migration made: put them back."""
    for role in Role:
        Group.objects.get_or_create(name=role)


@pytest.fixture(autouse=True)
def _no_order_throttle(throttle_rates):
    throttle_rates(order="1000/min")


def fill_cart(user, lines=3):
    for _ in range(lines):
        CartLineFactory(user=user, menuitem=MenuItemFactory(price=Decimal("10.00")), quantity=2)


def test_ten_simultaneous_placements_of_one_cart_make_one_order():
    customer = UserFactory()
    fill_cart(customer)
    clients = [api_client_for(customer) for _ in range(10)]

    responses = race(
        [lambda client=client: client.post("/api/v1/orders/", {"fulfilment": "pickup"}) for client in clients]
    )

    statuses = Counter(response.status_code for response in responses)
    assert statuses == {201: 1, 400: 9}, [getattr(r, "data", r) for r in responses]
    assert {response.json()["code"] for response in responses if response.status_code == 400} == {"cart_empty"}
    order = Order.objects.get()
    assert (order.subtotal, order.total) == (Decimal("60.00"), Decimal("60.00"))
    assert OrderItem.objects.filter(order=order).count() == 3
    assert not CartLine.objects.exists()
    assert OrderEvent.objects.count() == 1
    assert OutboxEvent.objects.filter(type="order.placed").count() == 1


def test_ten_simultaneous_retries_with_one_idempotency_key_make_one_order_and_agree():
    customer = UserFactory()
    fill_cart(customer)
    clients = [api_client_for(customer) for _ in range(10)]
    body = {"fulfilment": "delivery", "delivery_address": "1 Lemon St", "tip": "2.00"}

    responses = race(
        [
            lambda client=client: client.post("/api/v1/orders/", body, HTTP_IDEMPOTENCY_KEY="race-key")
            for client in clients
        ]
    )

    statuses = Counter(response.status_code for response in responses)
    assert statuses == {201: 1, 200: 9}, [getattr(r, "data", r) for r in responses]
    order = Order.objects.get()
    assert {response.json()["id"] for response in responses} == {order.pk}
    assert order.items.count() == 3
    assert OutboxEvent.objects.filter(type="order.placed").count() == 1


def assert_consistent_history(order: Order) -> list[tuple[str, str]]:
    """Each status event starts where the previous one ended, and the order is where the last ended.
    (A driver assigned or a payment collected on handing over is a timeline line, not a step.)"""
    steps = list(
        OrderEvent.objects.filter(order=order, kind__in=[EventKind.PLACED, EventKind.STATUS_CHANGED])
        .order_by("id")
        .values_list("from_status", "to_status")
    )
    assert steps[0] == ("", "placed")
    for (_, previous_to), (next_from, _) in zip(steps, steps[1:], strict=False):
        assert next_from == previous_to, steps
    order.refresh_from_db()
    assert order.status == steps[-1][1]
    outbox = [
        (e.payload["from_status"], e.payload["to_status"])
        for e in OutboxEvent.objects.filter(type="order.status_changed").order_by("id")
    ]
    assert outbox == steps[1:]
    return steps


@pytest.mark.parametrize(
    ("first", "second", "outcomes"),
    [
        ("accepted", "rejected", [{200, 409}]),  # one wins, the other finds the order moved on
        ("accepted", "accepted", [{200, 409}]),  # twice the same step: only once
        ("accepted", "cancelled", [{200}, {200, 409}]),  # accept then cancel is legal; cancel then accept is not
    ],
)
def test_two_managers_moving_one_order_leave_one_consistent_history(first, second, outcomes):
    order = OrderFactory(status="placed")
    one, two = api_client_for(UserFactory(roles=["manager"])), api_client_for(UserFactory(roles=["manager"]))

    responses = race(
        [
            lambda: one.post(f"/api/v1/orders/{order.pk}/status/", {"status": first}),
            lambda: two.post(f"/api/v1/orders/{order.pk}/status/", {"status": second}),
        ]
    )

    codes = {response.status_code for response in responses}
    assert codes in outcomes, [getattr(r, "data", r) for r in responses]
    steps = assert_consistent_history(order)
    assert len(steps) - 1 == sum(response.status_code == 200 for response in responses)
    for response in responses:
        if response.status_code == 409:
            assert response.json()["code"] == "invalid_transition"
            assert response.json()["current_status"] != "placed"


def test_a_crowd_of_managers_and_cooks_leaves_one_consistent_history():
    order = OrderFactory(status="placed", fulfilment="pickup")
    managers = [api_client_for(UserFactory(roles=["manager"])) for _ in range(3)]
    cooks = [api_client_for(UserFactory(roles=["kitchen"])) for _ in range(3)]
    attempts = [
        (managers[0], "accepted"),
        (managers[1], "rejected"),
        (managers[2], "cancelled"),
        (cooks[0], "preparing"),
        (cooks[1], "ready"),
        (cooks[2], "collected"),
    ]

    responses = race(
        [
            lambda client=client, status=status: client.post(f"/api/v1/orders/{order.pk}/status/", {"status": status})
            for client, status in attempts
        ]
    )

    assert {response.status_code for response in responses} <= {200, 409}, [getattr(r, "data", r) for r in responses]
    steps = assert_consistent_history(order)
    assert len(steps) - 1 == sum(response.status_code == 200 for response in responses) >= 1


def test_the_history_check_reads_a_payment_collected_on_handing_over_as_no_step():
    """The crowd above sometimes gets as far as collected, which records the counter payment on
    the timeline (from and to collected): that line is not a status step."""
    order = OrderFactory(status="placed", fulfilment="pickup")
    manager, cook = api_client_for(UserFactory(roles=["manager"])), api_client_for(UserFactory(roles=["kitchen"]))
    for client, status in [(manager, "accepted"), (cook, "preparing"), (cook, "ready"), (cook, "collected")]:
        assert client.post(f"/api/v1/orders/{order.pk}/status/", {"status": status}).status_code == 200

    assert OrderEvent.objects.filter(order=order, kind=EventKind.PAYMENT).exists()
    assert assert_consistent_history(order)[1:] == [
        ("placed", "accepted"),
        ("accepted", "preparing"),
        ("preparing", "ready"),
        ("ready", "collected"),
    ]


def test_placing_locks_the_cart_lines_not_the_dishes():
    """While one placement holds its cart's lock, another connection can lock the same dish (a
    placement of another cart holding it, a manager changing its price) but not those lines.
    SQLite has no row locks: its IMMEDIATE transaction holds the database's write lock instead."""
    customer = UserFactory()
    fill_cart(customer, lines=1)
    line = CartLine.objects.get(user=customer)
    dish_id, line_id = line.menuitem_id, line.pk

    def lock_from_another_connection(model, pk):
        try:
            with transaction.atomic():
                return list(model.objects.select_for_update(nowait=True).filter(pk=pk).values_list("pk", flat=True))
        except DatabaseError as error:
            return error

    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        assert [locked.pk for locked in _cart_lines_locked(customer)] == [line_id]
        (lock_sql,) = [query["sql"] for query in captured.captured_queries if "cart_cartline" in query["sql"]]
        if not connection.features.has_select_for_update:
            assert "FOR UPDATE" not in lock_sql
            return
        dish, cart_line = race(
            [
                lambda: lock_from_another_connection(MenuItem, dish_id),
                lambda: lock_from_another_connection(CartLine, line_id),
            ]
        )

    assert lock_sql.endswith('FOR UPDATE OF "cart_cartline"')
    assert dish == [dish_id]
    assert isinstance(cart_line, DatabaseError), cart_line
