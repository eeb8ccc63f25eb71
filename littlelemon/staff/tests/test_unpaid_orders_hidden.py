"""An order waiting for its online payment (`pending_payment`), or that never got it (`expired`),
is not the restaurant's yet: the manager's board, the kitchen display, the drivers' screens and
the kitchen's and drivers' API lists do not show it, beside orders they do show."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from littlelemon.orders.tests.factories import OrderFactory
from littlelemon.web.tests.htmltext import text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(settings):
    settings.DELIVERY_CREW_TAKES_READY_ORDERS = True
    settings.KITCHEN_SHOWS_PLACED = True
    settings.LIVE_MODE = "poll"


@pytest.fixture
def unpaid(db):
    """A delivery order waiting for its card payment and one that expired, both with no driver."""
    return [
        OrderFactory(status="pending_payment", fulfilment="delivery", payment_method="online", items=2),
        OrderFactory(status="expired", fulfilment="delivery", payment_method="online", finished_at=timezone.now()),
    ]


def page(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_managers_board_does_not_show_them(manager, unpaid):
    shown = [OrderFactory(status="placed"), OrderFactory(status="ready", fulfilment="delivery")]
    for url in (reverse("staff:orders"), reverse("staff:orders_columns")):
        cards = re.findall(r'<article class="order-card[^"]*" id="order-(\d+)"', page(manager, url))
        assert sorted(cards) == sorted(str(order.pk) for order in shown)
    # An order that expired today is not one the restaurant finished.
    finished = text(page(manager, reverse("staff:orders")), css_class="board-finished")
    assert finished.startswith("Finished today 0") and "Nothing finished yet today." in finished


def test_the_kitchen_display_does_not_show_them(kitchen_user, unpaid):
    shown = [OrderFactory(status="placed"), OrderFactory(status="accepted")]
    for url in (reverse("staff:kitchen"), reverse("staff:kitchen_board")):
        tickets = re.findall(r'data-ticket data-order-id="(\d+)"', page(kitchen_user, url))
        assert sorted(tickets) == sorted(str(order.pk) for order in shown)


def test_the_drivers_screens_do_not_show_them(crew_user, unpaid):
    takeable = OrderFactory(status="ready", fulfilment="delivery")
    mine = OrderFactory(status="preparing", fulfilment="delivery", delivery_crew=crew_user)
    for url in ("/staff/deliveries/", "/staff/deliveries/list/"):
        html = page(crew_user, url)
        assert sorted(re.findall(r'<article class="delivery-card[^"]*" id="order-(\d+)"', html)) == sorted(
            [str(mine.pk), str(takeable.pk)]
        )
    for order in unpaid:
        client = Client()
        client.force_login(crew_user)
        assert client.get(f"/staff/deliveries/{order.pk}/").status_code == 404


@pytest.mark.parametrize("role", ["kitchen", "delivery-crew"])
def test_the_staff_api_lists_do_not_show_them(client_as, client_for_role, role, unpaid):
    _, user = client_for_role(role)
    shown = OrderFactory(status="ready", fulfilment="delivery", delivery_crew=user if role == "delivery-crew" else None)
    response = client_as(user).get("/api/v1/orders/")
    assert response.status_code == 200
    assert [order["id"] for order in response.json()["results"]] == [shown.pk]
    for order in unpaid:
        assert client_as(user).get(f"/api/v1/orders/{order.pk}/").status_code == 404
