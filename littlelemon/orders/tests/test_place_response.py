"""The 201 body of `POST /api/v1/orders/` is built from the order the service just made: it must
equal what `GET /api/v1/orders/<id>/` shows the same person right after, whatever the order and
whoever places it. And each placement judges the cart by the restaurant's rules as they are then."""

from datetime import timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal

import pytest
from django.utils import timezone

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.cart.models import CartLine
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.events.models import OutboxEvent
from littlelemon.menu.tests.factories import MenuItemFactory
from littlelemon.orders.models import Order, OrderEvent, OrderItem
from littlelemon.restaurant.models import Closure, RestaurantSettings
from littlelemon.restaurant.selectors import restaurant_today
from littlelemon.restaurant.services import restaurant_settings_update

from .counting import savepoints

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/orders/"


def fill_cart(user, *prices_and_quantities) -> list[CartLine]:
    return [
        CartLineFactory(user=user, menuitem=MenuItemFactory(title=f"Dish {n}", price=Decimal(price)), quantity=quantity)
        for n, (price, quantity) in enumerate(prices_and_quantities, start=1)
    ]


def place_and_read_back(client, payload: dict, **headers):
    """POST the order, then GET it as the same person: (post response, get response)."""
    placed = client.post(ORDERS, payload, **headers)
    assert placed.status_code in (200, 201), placed.json()
    shown = client.get(f"{ORDERS}{placed.json()['id']}/")
    assert shown.status_code == 200, shown.json()
    return placed, shown


class TestTheBodyIsTheStoredOrder:
    def test_a_pickup_with_three_lines_of_different_quantities(self, client_as, customer):
        restaurant_settings_update(data={"tax_rate": Decimal("8.875")})
        lines = fill_cart(customer, ("12.99", 3), ("0.50", 1), ("7.25", 7))

        placed, shown = place_and_read_back(client_as(customer), {"fulfilment": "pickup"})

        assert placed.status_code == 201
        body = placed.json()
        assert body == shown.json()
        order = Order.objects.get()
        assert body["id"] == order.pk
        assert [(item["menuitem"], item["title"], item["quantity"], item["price"]) for item in body["items"]] == [
            (lines[0].menuitem_id, "Dish 1", 3, "38.97"),
            (lines[1].menuitem_id, "Dish 2", 1, "0.50"),
            (lines[2].menuitem_id, "Dish 3", 7, "50.75"),
        ]
        # 38.97 + 0.50 + 50.75 = 90.22; 8.875% of it is 8.007025 -> 8.01.
        assert (body["subtotal"], body["delivery_fee"], body["tax"], body["tip"], body["total"]) == (
            "90.22",
            "0.00",
            "8.01",
            "0.00",
            "98.23",
        )
        assert (body["status"], body["allowed_transitions"], body["customer"]) == ("placed", ["cancelled"], customer.pk)
        assert list(order.items.order_by("id").values_list("title", "quantity", "unit_price", "price")) == [
            ("Dish 1", 3, Decimal("12.99"), Decimal("38.97")),
            ("Dish 2", 1, Decimal("0.50"), Decimal("0.50")),
            ("Dish 3", 7, Decimal("7.25"), Decimal("50.75")),
        ]
        assert not CartLine.objects.filter(user=customer).exists()

    def test_a_delivery_with_address_tip_and_notes(self, client_as, customer):
        restaurant_settings_update(data={"tax_rate": Decimal("10.25"), "delivery_fee": Decimal("4.99")})
        fill_cart(customer, ("12.99", 2), ("7.25", 1))
        customer.first_name, customer.last_name = "Tilly", "Customer"
        customer.save()

        placed, shown = place_and_read_back(
            client_as(customer),
            {
                "fulfilment": "delivery",
                "delivery_address": "  1 Lemon St\nApt 2  ",
                "tip": "5.50",
                "notes": "  Ring twice.\r\nNo onions\tplease  ",
                "payment_method": "card",
            },
        )

        assert placed.status_code == 201
        body = placed.json()
        assert body == shown.json()
        assert (body["delivery_address"], body["notes"]) == ("1 Lemon St\nApt 2", "Ring twice.\r\nNo onions\tplease")
        # 33.23 + 4.99 = 38.22, 10.25% tax 3.91755 -> 3.92, tip 5.50 untaxed.
        assert (body["subtotal"], body["delivery_fee"], body["tax"], body["tip"], body["total"]) == (
            "33.23",
            "4.99",
            "3.92",
            "5.50",
            "47.64",
        )
        assert (body["payment_method"], body["customer_name"]) == ("card", "Tilly Customer")
        order = Order.objects.get()
        assert (order.delivery_address, order.notes, order.tip) == (
            "1 Lemon St\nApt 2",
            "Ring twice.\r\nNo onions\tplease",
            Decimal("5.50"),
        )
        assert order.items.count() == 2
        assert not CartLine.objects.filter(user=customer).exists()

    def test_a_time_given_in_another_offset_is_shown_in_the_restaurants_zone(self, client_as, customer):
        fill_cart(customer, ("10.00", 2))
        tomorrow = timezone.localtime() + timedelta(days=1)
        local = tomorrow.replace(hour=12, minute=7, second=30, microsecond=250000)
        plus_two = local.astimezone(dt_timezone(timedelta(hours=2)))
        assert plus_two.isoformat().endswith("+02:00")

        placed, shown = place_and_read_back(
            client_as(customer), {"fulfilment": "pickup", "scheduled_for": plus_two.isoformat()}
        )

        assert placed.status_code == 201
        assert placed.json() == shown.json()
        assert placed.json()["scheduled_for"] == timezone.localtime(local).isoformat()  # e.g. ...T12:07:30.250000-05:00
        assert Order.objects.get().scheduled_for == local

    @pytest.mark.parametrize(
        ("role", "allowed"),
        [
            ("kitchen", ["cancelled"]),  # the kitchen takes no step from "placed": as a customer
            ("manager", ["accepted", "rejected", "cancelled"]),
            ("delivery-crew", ["cancelled"]),
        ],
    )
    def test_a_customer_who_is_also_staff(self, client_as, role, allowed):
        staff = UserFactory(roles=[role])
        fill_cart(staff, ("9.00", 2))

        placed, shown = place_and_read_back(client_as(staff), {"fulfilment": "pickup"})

        assert placed.status_code == 201
        assert placed.json() == shown.json()
        assert placed.json()["allowed_transitions"] == allowed
        assert Order.objects.get().customer == staff

    def test_with_an_idempotency_key_the_201_and_the_replay_equal_the_stored_order(self, client_as, customer):
        fill_cart(customer, ("10.00", 1), ("3.00", 4))
        client = client_as(customer)
        payload = {"fulfilment": "delivery", "delivery_address": "1 Lemon St", "tip": "1", "notes": "Gate code 42"}

        first, shown = place_and_read_back(client, payload, HTTP_IDEMPOTENCY_KEY="place-response-1")
        fill_cart(customer, ("99.00", 1))  # the customer carries on shopping
        replay, shown_again = place_and_read_back(client, payload, HTTP_IDEMPOTENCY_KEY="place-response-1")

        assert (first.status_code, replay.status_code) == (201, 200)
        assert (first["Idempotent-Replayed"], replay["Idempotent-Replayed"]) == ("false", "true")
        assert first.json() == shown.json() == replay.json() == shown_again.json()
        assert Order.objects.count() == 1
        assert OrderItem.objects.count() == 2
        assert list(CartLine.objects.filter(user=customer).values_list("menuitem__price", flat=True)) == [
            Decimal("99.00")
        ]

    def test_successive_orders_each_equal_their_stored_selves(self, client_as, customer):
        client = client_as(customer)
        bodies = []
        for prices in (("5.00", 1), ("6.00", 2)), (("7.00", 3),):
            fill_cart(customer, *prices)
            placed, shown = place_and_read_back(client, {"fulfilment": "pickup"})
            assert placed.json() == shown.json()
            bodies.append(placed.json())

        assert [len(body["items"]) for body in bodies] == [2, 1]
        assert [body["total"] for body in bodies] == ["17.00", "21.00"]
        assert Order.objects.count() == 2


class TestQueries:
    def test_placing_without_a_key_is_a_fixed_number_of_queries(self, client_as, customer, django_assert_num_queries):
        lines = fill_cart(customer, ("12.99", 3), ("0.50", 1), ("7.25", 7))
        client = client_as(customer)

        # The user (JWT). Inside [SAVEPOINT]: the cart lines with their dishes (locked where rows
        # can be locked: PostgreSQL); the settings; the hours; the closures; the time windows; insert the order;
        # its items (one bulk insert); its event; empty the cart (one delete); the outbox
        # [RELEASE]. Then the answer: the user's roles (allowed_transitions), the order's items.
        with django_assert_num_queries(13 + savepoints(1)):
            response = client.post(ORDERS, {"fulfilment": "pickup"})

        assert response.status_code == 201, response.json()
        order = Order.objects.get()
        assert response.json()["id"] == order.pk
        assert list(order.items.values_list("menuitem", "quantity")) == [
            (line.menuitem_id, line.quantity) for line in lines
        ]
        assert OrderEvent.objects.filter(order=order).count() == 1
        assert OutboxEvent.objects.filter(type="order.placed").count() == 1
        assert not CartLine.objects.filter(user=customer).exists()

        # Placed again: the same queries (nothing is kept between placements).
        fill_cart(customer, ("4.00", 1))
        with django_assert_num_queries(13 + savepoints(1)):
            again = client.post(ORDERS, {"fulfilment": "pickup"})
        assert again.status_code == 201, again.json()
        assert Order.objects.count() == 2


class TestRuleChangesBetweenPlacements:
    def test_a_minimum_raised_and_a_closure_added_between_placements(self, client_as, customer):
        client = client_as(customer)
        fill_cart(customer, ("10.00", 1))
        assert client.post(ORDERS, {"fulfilment": "pickup"}).status_code == 201

        # A minimum above the cart's subtotal, through the ORM (no service, no API).
        RestaurantSettings.objects.filter(pk=1).update(minimum_order=Decimal("25.00"))
        fill_cart(customer, ("10.00", 2))
        refused = client.post(ORDERS, {"fulfilment": "pickup"})

        assert refused.status_code == 400, refused.json()
        assert refused.json() == {
            "detail": "The minimum order is 25.00 USD and your subtotal is 20.00 USD: add 5.00 USD more to order.",
            "code": "below_minimum",
            "minimum_order": "25.00",
            "subtotal": "20.00",
            "short_by": "5.00",
            "request_id": refused["X-Request-ID"],
        }
        assert Order.objects.count() == 1
        assert CartLine.objects.filter(user=customer).count() == 1

        # The minimum lowered again, then closed today.
        settings = RestaurantSettings.objects.get(pk=1)
        settings.minimum_order = Decimal("0.00")
        settings.save()
        assert client.post(ORDERS, {"fulfilment": "pickup"}).status_code == 201
        assert Order.objects.count() == 2
        fill_cart(customer, ("10.00", 1))
        Closure.objects.create(date=restaurant_today(), reason="Burst pipe")

        closed = client.post(ORDERS, {"fulfilment": "pickup"})

        assert closed.status_code == 400, closed.json()
        assert closed.json()["code"] == "restaurant_closed"
        assert closed.json()["detail"].startswith("We are not taking orders right now (the restaurant is closed)")
        assert Order.objects.count() == 2
        assert CartLine.objects.filter(user=customer).count() == 1

        # And reopened: the closure deleted, the order goes through.
        Closure.objects.filter(date=restaurant_today()).delete()
        assert client.post(ORDERS, {"fulfilment": "pickup"}).status_code == 201
        assert Order.objects.count() == 3
