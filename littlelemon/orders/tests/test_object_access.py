"""Object-level access to orders: another customer's order, through every endpoint that takes
its id, for every role.

The owner is a customer; the caller a fresh user in each role, never the owner. What the caller
may not see is a 404 whatever the method (the kitchen sees open orders, a driver only those
assigned to them, managers all); the order, its timeline and the outbox are unchanged unless the
role may change it; the owner's address, notes and name never appear in a refused answer.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.api.tests.matrix import (
    ADMIN,
    ANON,
    CREW,
    CUSTOMER,
    KITCHEN,
    MANAGER,
    ObjectRow,
    object_cell_ids,
    object_cells,
    run_object_row,
    signed_in,
)
from littlelemon.apikeys.scopes import ORDERS_READ, ORDERS_WRITE
from littlelemon.events.models import OutboxEvent
from littlelemon.orders.models import Order, OrderEvent

from .factories import OrderFactory

SECRETS = ("12 Secret Lane, Apt 3", "Ring twice, dog in the yard")


def expect(anon=401, customer=404, kitchen=404, crew=404, manager=404, admin=404) -> dict[str, int]:
    return {ANON: anon, CUSTOMER: customer, KITCHEN: kitchen, CREW: crew, MANAGER: manager, ADMIN: admin}


def _order(status: str = "placed", another_driver: bool = False, **fields):
    def setup(owner) -> dict:
        owner.first_name, owner.last_name = "Olive", "Owner"
        owner.save()
        if another_driver:
            fields["delivery_crew"] = UserFactory(roles=["delivery-crew"])
        order = OrderFactory(
            customer=owner, status=status, delivery_address=SECRETS[0], notes=SECRETS[1], items=2, **fields
        )
        return {"order": order.pk, "crew": UserFactory(roles=["delivery-crew"]).pk, "username": owner.username}

    return setup


def _state(context) -> dict:
    return {
        "order": Order.objects.filter(pk=context["order"]).values().get(),
        "events": list(OrderEvent.objects.filter(order=context["order"]).values()),
        "outbox": list(OutboxEvent.objects.values()),
    }


def _secrets(context) -> list[str]:
    return [*SECRETS, "Olive Owner"]


def row(method, path, expected, setup, payload=None, may_see=frozenset(), may_change=frozenset()) -> ObjectRow:
    return ObjectRow(
        method,
        path,
        expected,
        setup=setup,
        state=_state,
        secrets=_secrets,
        payload=payload,
        may_see=frozenset(may_see),
        may_change=frozenset(may_change),
        # An API key reads with orders:read and moves or assigns with orders:write; the order's
        # detail takes no writes.
        scope={"GET": ORDERS_READ, "POST": ORDERS_WRITE}.get(method),
    )


OPEN = _order("placed")  # the kitchen sees open orders
ASSIGNED_ELSEWHERE = _order("ready", another_driver=True)  # the caller is not its driver
FINISHED_LONG_AGO = _order("delivered", finished_at=timezone.now() - timedelta(days=3))  # nobody but managers
STAFF_SEE = {KITCHEN, MANAGER, ADMIN}
MANAGERS = {MANAGER, ADMIN}

ROWS = [
    # reading it
    row("GET", "/api/v1/orders/{order}/", expect(kitchen=200, manager=200, admin=200), OPEN, may_see=STAFF_SEE),
    row("GET", "/api/v1/orders/{order}/events/", expect(kitchen=200, manager=200, admin=200), OPEN, may_see=STAFF_SEE),
    row("GET", "/api/v1/orders/{order}/", expect(manager=200, admin=200), FINISHED_LONG_AGO, may_see=MANAGERS),
    row("GET", "/api/v1/orders/{order}/events/", expect(manager=200, admin=200), FINISHED_LONG_AGO, may_see=MANAGERS),
    # the list never carries it for those who may not see it; ids in the query address nothing
    row(
        "GET",
        "/api/v1/orders/?id={order}&customer={order}&pk={order}",
        signed_in(200),
        FINISHED_LONG_AGO,
        may_see=MANAGERS,
    ),
    # moving it: a 404 for who may not see it; the kitchen sees it but may not cancel it (403)
    row(
        "POST",
        "/api/v1/orders/{order}/status/",
        expect(kitchen=403, manager=200, admin=200),
        OPEN,
        payload=lambda ctx: {"status": "cancelled", "note": "not yours"},
        may_see=STAFF_SEE,
        may_change=MANAGERS,
    ),
    row(
        "POST",
        "/api/v1/orders/{order}/status/",
        expect(manager=409, admin=409),
        FINISHED_LONG_AGO,
        payload=lambda ctx: {"status": "cancelled"},
        may_see=MANAGERS,
    ),
    row(
        "POST",
        "/api/v1/orders/{order}/status/",
        expect(kitchen=403, manager=200, admin=200),
        ASSIGNED_ELSEWHERE,
        payload=lambda ctx: {"status": "out_for_delivery"},
        may_see=STAFF_SEE,
        may_change=MANAGERS,
    ),
    # assigning a driver: managers only; the kitchen sees the order, so its refusal is a 403
    row(
        "POST",
        "/api/v1/orders/{order}/assign/",
        expect(kitchen=403, manager=200, admin=200),
        _order("accepted"),
        payload=lambda ctx: {"delivery_crew": ctx["crew"]},
        may_see=STAFF_SEE,
        may_change=MANAGERS,
    ),
    # the order's detail takes no writes from anyone
    *(
        row(method, "/api/v1/orders/{order}/", signed_in(405), OPEN, payload=lambda ctx: {"status": "delivered"})
        for method in ("PUT", "PATCH", "DELETE")
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "role"), object_cells(ROWS), ids=object_cell_ids(ROWS))
def test_no_role_reaches_another_customers_order_beyond_its_own(row, role):
    run_object_row(row, role)
