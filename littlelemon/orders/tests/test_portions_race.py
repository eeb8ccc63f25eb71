"""Twenty customers racing for the last five portions, with real threads through the API: exactly
five orders, fifteen clear refusals, nothing half-written. Runs on SQLite (its write lock
serialises the placements) and on PostgreSQL (the conditional UPDATE's row lock); the second test
only on PostgreSQL, where the dish row is not locked before its UPDATE. The same race for a
special chosen inside a meal deal's slot, on both databases."""

from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from conftest import api_client_for
from littlelemon.accounts.enums import Role
from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.cart import services as cart_services
from littlelemon.cart.models import CartLine
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.core.tests.concurrency import race
from littlelemon.events.models import OutboxEvent
from littlelemon.menu.models import MenuItem
from littlelemon.menu.tests.factories import MenuItemFactory, combo_with_slots
from littlelemon.orders.models import Order, OrderEvent, OrderItem
from littlelemon.restaurant.selectors import restaurant_today

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

REFUSALS = {"item_unavailable", "not_enough_portions"}  # sold out when read, or short at the UPDATE
# Inside a combo, a component read as sold out is refused with the combo line's options.
COMBO_REFUSALS = {"invalid_options", "not_enough_portions"}


@pytest.fixture(autouse=True)
def _roles():
    for role in Role:
        Group.objects.get_or_create(name=role)


@pytest.fixture(autouse=True)
def _no_order_throttle(throttle_rates):
    throttle_rates(order="1000/min")


def _race_for(special: MenuItem, customers: int, *, deal: MenuItem | None = None) -> list:
    """Each customer's cart: the special (or `deal` with the special in its slot) and another dish."""
    users = [UserFactory() for _ in range(customers)]
    for user in users:
        if deal is None:
            CartLineFactory(user=user, menuitem=special, quantity=1)
        else:
            slot = deal.slots.get()
            cart_services.cart_item_add(
                owner=user, menuitem_id=deal.pk, quantity=1, slots=[{"slot": slot.pk, "dish": special.pk}]
            )
        CartLineFactory(user=user, menuitem=MenuItemFactory(price=Decimal("3.00")), quantity=1)
    clients = [api_client_for(user) for user in users]
    return race([lambda client=client: client.post("/api/v1/orders/", {"fulfilment": "pickup"}) for client in clients])


def _assert_five_sold(special: MenuItem, responses: list, *, deal: MenuItem | None = None) -> None:
    statuses = Counter(getattr(response, "status_code", response) for response in responses)
    assert statuses == {201: 5, 400: 15}, [getattr(r, "data", r) for r in responses]
    refused = [response.json() for response in responses if response.status_code == 400]
    assert {body["code"] for body in refused} <= (REFUSALS if deal is None else COMBO_REFUSALS)
    assert all("Daily Special" in body["detail"] for body in refused)
    assert Order.objects.count() == 5
    assert OrderItem.objects.filter(menuitem=deal or special).count() == 5
    assert OrderItem.objects.count() == 10  # each order whole: the special and the other dish
    assert OrderEvent.objects.count() == 5
    assert OutboxEvent.objects.filter(type="order.placed").count() == 5
    assert CartLine.objects.count() == 30  # the fifteen refused carts are untouched
    special.refresh_from_db()
    assert (special.portions_left, special.portions_date) == (0, restaurant_today())


def test_twenty_customers_racing_for_the_last_five_portions():
    special = MenuItemFactory(
        title="Daily Special", daily_portions=12, portions_left=5, portions_date=restaurant_today()
    )

    _assert_five_sold(special, _race_for(special, 20))


@pytest.mark.postgresql
def test_twenty_customers_racing_for_five_portions_on_a_new_day_postgresql():
    """Yesterday's count on the row: every racer's UPDATE resets and takes in one statement."""
    special = MenuItemFactory(title="Daily Special", daily_portions=5, portions_left=0, portions_date=None)

    _assert_five_sold(special, _race_for(special, 20))


def _deal_with(special: MenuItem) -> MenuItem:
    return combo_with_slots(title="Special Deal", price="20.00", slots=[("A main", [(special, "0.00")])])


def test_twenty_customers_racing_for_the_last_five_portions_inside_a_meal_deal():
    special = MenuItemFactory(
        title="Daily Special", daily_portions=12, portions_left=5, portions_date=restaurant_today()
    )
    deal = _deal_with(special)

    _assert_five_sold(special, _race_for(special, 20, deal=deal), deal=deal)


@pytest.mark.postgresql
def test_twenty_customers_racing_for_five_portions_inside_a_meal_deal_on_a_new_day_postgresql():
    special = MenuItemFactory(title="Daily Special", daily_portions=5, portions_left=0, portions_date=None)
    deal = _deal_with(special)

    _assert_five_sold(special, _race_for(special, 20, deal=deal), deal=deal)
