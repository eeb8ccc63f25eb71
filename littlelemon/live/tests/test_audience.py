"""Who sees which event: `audience.may_see` as a table (role, event, seen?)."""

import pytest

from littlelemon.live.audience import Event, Viewer, may_see

ME, OTHER = 7, 8
CUSTOMER = Viewer(ME)
KITCHEN = Viewer(ME, frozenset({"kitchen"}))
MANAGER = Viewer(ME, frozenset({"manager"}))
ADMIN = Viewer(ME, is_superuser=True)
DRIVER = Viewer(ME, frozenset({"delivery-crew"}))
GONE = Viewer(ME, frozenset({"manager"}), is_active=False)


def placed(customer=OTHER):
    return Event(1, "order", "order.placed", {"order_id": 5, "customer_id": customer, "status": "placed"})


def changed(to, *, crew=None, customer=OTHER, fulfilment="delivery", before="preparing"):
    payload = {
        "order_id": 5,
        "customer_id": customer,
        "from_status": before,
        "to_status": to,
        "delivery_crew_id": crew,
        "fulfilment": fulfilment,
    }
    return Event(2, "order", "order.status_changed", payload)


def assigned(crew, previous=None, status="ready"):
    payload = {
        "order_id": 5,
        "customer_id": OTHER,
        "status": status,
        "delivery_crew_id": crew,
        "previous_delivery_crew_id": previous,
    }
    return Event(3, "order", "order.assigned", payload)


BOOKING = Event(4, "booking", "booking.created", {"customer_id": ME})

TABLE = [
    # the customer: their own orders only
    (CUSTOMER, placed(customer=ME), True),
    (CUSTOMER, changed("accepted", customer=ME, before="placed"), True),
    (CUSTOMER, placed(), False),
    (CUSTOMER, changed("ready"), False),
    (CUSTOMER, BOOKING, False),
    # kitchen, managers and admins: every order
    (KITCHEN, placed(), True),
    (KITCHEN, changed("preparing", before="accepted"), True),
    (MANAGER, assigned(OTHER), True),
    (ADMIN, placed(), True),
    (MANAGER, BOOKING, False),
    # a deactivated user: nothing
    (GONE, placed(customer=ME), False),
    # a driver: orders assigned to them, the one taken from them, the pool of ready ones
    (DRIVER, changed("out_for_delivery", crew=ME, before="ready"), True),
    (DRIVER, changed("out_for_delivery", crew=OTHER, before="ready"), False),
    (DRIVER, assigned(ME), True),
    (DRIVER, assigned(OTHER, previous=ME, status="preparing"), True),  # taken from me
    (DRIVER, assigned(OTHER, previous=None, status="ready"), True),  # left the pool
    (DRIVER, assigned(OTHER, previous=None, status="accepted"), False),  # never in the pool
    (DRIVER, changed("ready"), True),  # ready, nobody's: joins the pool
    (DRIVER, changed("ready", crew=OTHER), False),  # ready, another driver's
    (DRIVER, changed("ready", fulfilment="pickup"), False),
    (DRIVER, changed("cancelled", before="ready"), True),  # left the pool
    (DRIVER, changed("preparing", before="accepted"), False),
    (DRIVER, placed(), False),
    (DRIVER, placed(customer=ME), True),  # a driver who orders is a customer too
]


@pytest.mark.parametrize(("viewer", "event", "seen"), TABLE)
def test_may_see(viewer, event, seen, settings):
    settings.DELIVERY_CREW_TAKES_READY_ORDERS = True
    assert may_see(viewer, event) is seen


@pytest.mark.parametrize("event", [changed("ready"), assigned(OTHER), changed("cancelled", before="ready")])
def test_drivers_see_no_pool_when_they_may_not_take_orders(event, settings):
    settings.DELIVERY_CREW_TAKES_READY_ORDERS = False
    assert may_see(DRIVER, event) is False
    assert may_see(DRIVER, assigned(ME)) is True
