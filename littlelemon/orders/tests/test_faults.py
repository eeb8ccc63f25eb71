"""A fault in the middle of an order write leaves nothing half-written.

Each test breaks one step of `order_place` (or of a status change or an assignment) after the
first rows are written, then compares every table the write touches with what it held before:
no order, no items, no timeline event, no outbox event, no audit entry, and the cart exactly as
it was (its lines come back when emptying it is undone). The tests run in real transactions
(`transaction=True`), so what is checked is what the database committed, on SQLite and on
PostgreSQL alike; the fault is a Python error or a database error (`DatabaseError`).
"""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError

from conftest import api_client_for
from littlelemon.accounts.enums import Role
from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.audit.models import AuditEntry
from littlelemon.cart.models import CartLine
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.core.tests.faults import InjectedFault, fail_on, rows
from littlelemon.events.models import OutboxEvent
from littlelemon.menu.models import MenuItem
from littlelemon.menu.tests.factories import MenuItemFactory
from littlelemon.orders import placement, transitions
from littlelemon.orders.models import Order, OrderEvent, OrderItem

from .factories import OrderFactory

pytestmark = pytest.mark.django_db(transaction=True)

TOUCHED = (Order, OrderItem, OrderEvent, CartLine, MenuItem, OutboxEvent, AuditEntry)

#: The steps of `order_place` after its first write (the order row), where the name is looked up.
PLACEMENT_STEPS = {
    "the items' bulk insert": "littlelemon.orders.placement.OrderItem.objects.bulk_create",
    "the order's first timeline event": "littlelemon.orders.placement.OrderEvent.objects.create",
    "emptying the cart": "littlelemon.orders.placement.CartLine.objects.filter",  # its only use: the delete
    "the outbox event (after the cart is emptied)": "littlelemon.orders.placement.event_record",
}


@pytest.fixture(autouse=True)
def _roles():
    """A transactional test starts from a flushed database, without the roles' groups."""
    for role in Role:
        Group.objects.get_or_create(name=role)


@pytest.fixture
def shopper(db):
    customer = UserFactory()
    CartLineFactory(user=customer, menuitem=MenuItemFactory(price=Decimal("12.50")), quantity=2)
    CartLineFactory(user=customer, menuitem=MenuItemFactory(price=Decimal("4.00")), quantity=1)
    return customer


@pytest.mark.parametrize("exception", [InjectedFault, DatabaseError], ids=["python error", "database error"])
@pytest.mark.parametrize("step", PLACEMENT_STEPS, ids=str)
def test_a_fault_while_placing_an_order_leaves_no_order_and_the_cart_intact(shopper, step, exception):
    before = rows(*TOUCHED)

    fault = exception(f"injected at {step}")
    with fail_on(PLACEMENT_STEPS[step], exception=fault) as patched, pytest.raises(exception):
        placement.order_place(customer=shopper, fulfilment="delivery", delivery_address="1 Lemon St")

    assert patched.call_count == 1  # the step was reached: the writes before it happened, then were undone
    assert rows(*TOUCHED) == before
    assert CartLine.objects.filter(user=shopper).count() == 2


def test_after_a_fault_the_same_request_places_the_order_once(shopper):
    with fail_on("littlelemon.orders.placement.event_record"), pytest.raises(InjectedFault):
        placement.order_place(customer=shopper, fulfilment="pickup", idempotency_key="retry-me")

    order, created = placement.order_place(customer=shopper, fulfilment="pickup", idempotency_key="retry-me")
    again, created_again = placement.order_place(customer=shopper, fulfilment="pickup", idempotency_key="retry-me")

    assert (created, created_again, again.pk) == (True, False, order.pk)
    assert order.total == Decimal("29.00")
    assert (Order.objects.count(), OrderItem.objects.count(), CartLine.objects.count()) == (1, 2, 0)
    assert list(OutboxEvent.objects.values_list("type", flat=True)) == ["order.placed"]


def test_through_the_api_a_fault_is_a_json_500_and_the_retry_succeeds(shopper):
    client = api_client_for(shopper)
    client.raise_request_exception = False
    before = rows(*TOUCHED)

    with fail_on("littlelemon.orders.placement.OrderItem.objects.bulk_create"):
        failed = client.post("/api/v1/orders/", {"fulfilment": "pickup"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert (failed.status_code, failed.json()["code"]) == (500, "server_error")
    assert rows(*TOUCHED) == before
    retried = client.post("/api/v1/orders/", {"fulfilment": "pickup"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert retried.status_code == 201
    assert Order.objects.get().items.count() == 2


LIFECYCLE_STEPS = [
    "littlelemon.orders.transitions.OrderEvent.objects.create",
    "littlelemon.orders.transitions.event_record",
]


@pytest.mark.parametrize("step", LIFECYCLE_STEPS, ids=["timeline event", "outbox event"])
def test_a_fault_in_a_status_change_leaves_the_order_as_it_was(step):
    manager = UserFactory(roles=["manager"])
    order = OrderFactory(status="ready", fulfilment="pickup")
    before = rows(*TOUCHED)

    with fail_on(step), pytest.raises(InjectedFault):
        transitions.order_status_change(order=order.pk, actor=manager, status="collected")

    assert rows(*TOUCHED) == before
    order.refresh_from_db()
    assert (order.status, order.payment_status, order.finished_at) == ("ready", "pending", None)


@pytest.mark.parametrize("step", LIFECYCLE_STEPS, ids=["timeline event", "outbox event"])
def test_a_fault_in_an_assignment_leaves_the_order_unassigned(step):
    manager = UserFactory(roles=["manager"])
    order = OrderFactory(status="accepted")
    before = rows(*TOUCHED)

    with fail_on(step), pytest.raises(InjectedFault):
        transitions.order_assign(order=order.pk, actor=manager, delivery_crew=UserFactory(roles=["delivery-crew"]))

    assert rows(*TOUCHED) == before
