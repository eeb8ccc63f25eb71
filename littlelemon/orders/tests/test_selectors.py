"""Who sees which orders: one selector, the union of what each role grants."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.orders.exceptions import OrderNotFound
from littlelemon.orders.selectors import order_event_list, order_get_visible, order_list_visible_to

from .factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(customer, crew_user):
    now = timezone.now()
    return {
        "mine": OrderFactory(customer=customer, status="delivered", finished_at=now - timedelta(days=30)),
        "open": OrderFactory(status="preparing"),
        "placed": OrderFactory(status="placed"),
        "assigned": OrderFactory(status="delivered", delivery_crew=crew_user, finished_at=now - timedelta(days=30)),
        "finished_recently": OrderFactory(
            status="collected", fulfilment="pickup", finished_at=now - timedelta(hours=11)
        ),
        "finished_long_ago": OrderFactory(status="cancelled", finished_at=now - timedelta(hours=13)),
    }


def visible(user, orders) -> set[str]:
    ids = set(order_list_visible_to(user=user).values_list("pk", flat=True))
    return {name for name, order in orders.items() if order.pk in ids}


def test_a_customer_sees_their_own_orders(customer, orders):
    assert visible(customer, orders) == {"mine"}


def test_delivery_crew_see_their_assignments(crew_user, orders):
    assert visible(crew_user, orders) == {"assigned"}


def test_the_kitchen_sees_open_orders_and_those_finished_in_the_last_12_hours(kitchen_user, orders):
    assert visible(kitchen_user, orders) == {"open", "placed", "finished_recently"}


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_managers_and_admins_see_everything(role, orders):
    user = UserFactory(is_superuser=True) if role == "admin" else UserFactory(roles=["manager"])

    assert visible(user, orders) == set(orders)


def test_several_roles_see_the_union(orders, crew_user):
    both = UserFactory(roles=["kitchen", "delivery-crew"])
    orders["own"] = OrderFactory(customer=both, status="delivered", finished_at=timezone.now() - timedelta(days=3))
    orders["assigned_to_both"] = OrderFactory(
        status="delivered", delivery_crew=both, finished_at=timezone.now() - timedelta(days=3)
    )

    assert visible(both, orders) == {"open", "placed", "finished_recently", "own", "assigned_to_both"}


def test_nobody_anonymous_sees_anything(orders):
    assert visible(AnonymousUser(), orders) == set()


def test_an_invisible_order_is_not_found_and_so_are_its_events(customer, orders):
    with pytest.raises(OrderNotFound):
        order_get_visible(user=customer, order_id=orders["open"].pk)
    with pytest.raises(OrderNotFound):
        order_event_list(user=customer, order_id=orders["open"].pk)
    with pytest.raises(OrderNotFound):
        order_get_visible(user=customer, order_id=10**30)

    assert order_get_visible(user=customer, order_id=orders["mine"].pk) == orders["mine"]
    assert [e.to_status for e in order_event_list(user=customer, order_id=orders["mine"].pk)] == ["placed"]


def test_newest_first(customer):
    older = OrderFactory(customer=customer)
    newer = OrderFactory(customer=customer)

    assert list(order_list_visible_to(user=customer)) == [newer, older]
