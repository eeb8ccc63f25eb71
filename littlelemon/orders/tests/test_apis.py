"""The orders API: exact bodies and database state for placing, reading, moving and assigning
orders; what a malicious client tries; and a whole delivery carried from cart to door."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.cart.models import CartLine
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.events.models import OutboxEvent
from littlelemon.menu.tests.factories import MenuItemFactory
from littlelemon.orders.models import Order, OrderEvent
from littlelemon.restaurant.selectors import restaurant_today
from littlelemon.restaurant.services import restaurant_settings_update
from littlelemon.restaurant.tests.factories import ClosureFactory

from .factories import OrderFactory

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/orders/"


def iso(moment) -> str:
    """How DRF writes a datetime: in the restaurant's time zone, with its offset."""
    return timezone.localtime(moment).isoformat()


def fill_cart(user, *prices_and_quantities):
    return [
        CartLineFactory(user=user, menuitem=MenuItemFactory(title=f"Dish {n}", price=Decimal(price)), quantity=quantity)
        for n, (price, quantity) in enumerate(prices_and_quantities, start=1)
    ]


class TestPlace:
    def test_placing_a_delivery_order(self, client_as, customer):
        restaurant_settings_update(data={"tax_rate": Decimal("10.25"), "delivery_fee": Decimal("4.99")})
        lines = fill_cart(customer, ("12.99", 2), ("7.25", 1))
        customer.first_name, customer.last_name = "Tilly", "Customer"
        customer.save()

        response = client_as(customer).post(
            ORDERS,
            {"fulfilment": "delivery", "delivery_address": "1 Lemon St", "tip": "5.00", "payment_method": "card"},
        )

        assert response.status_code == 201, response.json()
        order = Order.objects.get()
        assert response.json() == {
            "id": order.pk,
            "status": "placed",
            "fulfilment": "delivery",
            "delivery_address": "1 Lemon St",
            "scheduled_for": None,
            "estimated_ready_at": None,
            "notes": "",
            "items": [
                {
                    "menuitem": lines[0].menuitem_id,
                    "title": "Dish 1",
                    "quantity": 2,
                    "unit_price": "12.99",
                    "price": "25.98",
                    "options": [],
                },
                {
                    "menuitem": lines[1].menuitem_id,
                    "title": "Dish 2",
                    "quantity": 1,
                    "unit_price": "7.25",
                    "price": "7.25",
                    "options": [],
                },
            ],
            "subtotal": "33.23",
            "delivery_fee": "4.99",
            "tax": "3.92",
            "tip": "5.00",
            "total": "47.14",
            "payment_method": "card",
            "payment_status": "pending",
            "delivery_crew": None,
            "delivery_crew_name": None,
            "customer": customer.pk,
            "customer_name": "Tilly Customer",
            "created": iso(order.created),
            "updated": iso(order.updated),
            "allowed_transitions": ["cancelled"],
            "delivery_proof": None,  # a manager's, once delivered (test_delivery.py)
        }
        assert "Idempotent-Replayed" not in response
        assert not CartLine.objects.filter(user=customer).exists()
        assert list(OutboxEvent.objects.values_list("type", flat=True)) == ["order.placed"]

    def test_client_sent_prices_totals_status_and_owner_are_ignored(self, client_as, customer, other_customer):
        fill_cart(customer, ("10.00", 1))

        response = client_as(customer).post(
            ORDERS,
            {
                "fulfilment": "pickup",
                "subtotal": "0.01",
                "total": "0.01",
                "tax": "0",
                "delivery_fee": "-5",
                "status": "delivered",
                "payment_status": "paid",
                "customer": other_customer.pk,
                "delivery_crew": other_customer.pk,
                "items": [{"menuitem": 1, "unit_price": "0.01", "quantity": 99}],
            },
        )

        assert response.status_code == 201
        order = Order.objects.get()
        assert (order.customer, order.status, order.payment_status, order.delivery_crew) == (
            customer,
            "placed",
            "pending",
            None,
        )
        assert (order.subtotal, order.total) == (Decimal("10.00"), Decimal("10.00"))
        assert list(order.items.values_list("quantity", "unit_price")) == [(1, Decimal("10.00"))]

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({}, "fulfilment"),
            ({"fulfilment": "drone"}, "fulfilment"),
            ({"fulfilment": "pickup", "tip": "-1.00"}, "tip"),
            ({"fulfilment": "pickup", "tip": "1.005"}, "tip"),
            ({"fulfilment": "pickup", "tip": "NaN"}, "tip"),
            ({"fulfilment": "pickup", "tip": "Infinity"}, "tip"),
            ({"fulfilment": "pickup", "tip": "1e400"}, "tip"),
            ({"fulfilment": "pickup", "tip": "10000.00"}, "tip"),
            ({"fulfilment": "pickup", "scheduled_for": "tomorrow at noon"}, "scheduled_for"),
            ({"fulfilment": "pickup", "notes": "x" * 1001}, "notes"),
            ({"fulfilment": "pickup", "notes": "nul\x00byte"}, "notes"),
            ({"fulfilment": "pickup", "notes": "bell\x07"}, "notes"),
            ({"fulfilment": "delivery", "delivery_address": "1 Lemon\x0bSt"}, "delivery_address"),
            ({"fulfilment": "delivery", "delivery_address": "x" * 501}, "delivery_address"),
            ({"fulfilment": "pickup", "payment_method": "bitcoin"}, "payment_method"),
            ({"fulfilment": "delivery"}, "delivery_address"),
            ({"fulfilment": "delivery", "delivery_address": "   "}, "delivery_address"),
            ({"fulfilment": "pickup", "scheduled_for": "9999-12-31T23:59:59Z"}, "scheduled_for"),
            ({"fulfilment": "pickup", "scheduled_for": "0001-01-01T00:00:00"}, "scheduled_for"),
        ],
    )
    def test_bad_input_is_a_400_that_writes_nothing(self, client_as, customer, payload, field):
        fill_cart(customer, ("10.00", 1))

        response = client_as(customer).post(ORDERS, payload)

        assert response.status_code == 400, response.json()
        assert list(response.json()["fields"]) == [field]
        assert not Order.objects.exists()
        assert CartLine.objects.filter(user=customer).count() == 1

    def test_an_empty_cart(self, client_as, customer):
        response = client_as(customer).post(ORDERS, {"fulfilment": "pickup"})

        assert response.status_code == 400
        assert response.json() == {
            "detail": "Your cart is empty: add dishes before ordering.",
            "code": "cart_empty",
            "request_id": response["X-Request-ID"],
        }

    def test_a_sold_out_dish(self, client_as, customer):
        (line,) = fill_cart(customer, ("10.00", 1))
        line.menuitem.available = False
        line.menuitem.save()

        response = client_as(customer).post(ORDERS, {"fulfilment": "pickup"})

        assert response.status_code == 400
        assert response.json() == {
            "detail": "Dish 1 is sold out: remove it from your cart to order.",
            "code": "item_unavailable",
            "unavailable": [{"menuitem": line.menuitem_id, "title": "Dish 1"}],
            "request_id": response["X-Request-ID"],
        }
        assert not Order.objects.exists()

    def test_below_the_minimum(self, client_as, customer):
        restaurant_settings_update(data={"minimum_order": Decimal("15.00")})
        fill_cart(customer, ("7.00", 2))

        response = client_as(customer).post(ORDERS, {"fulfilment": "pickup"})

        assert response.status_code == 400
        assert response.json() == {
            "detail": "The minimum order is 15.00 USD and your subtotal is 14.00 USD: add 1.00 USD more to order.",
            "code": "below_minimum",
            "minimum_order": "15.00",
            "subtotal": "14.00",
            "short_by": "1.00",
            "request_id": response["X-Request-ID"],
        }

    def test_closed_today(self, client_as, customer):
        ClosureFactory(date=restaurant_today(), reason="Holiday")
        fill_cart(customer, ("10.00", 1))

        response = client_as(customer).post(ORDERS, {"fulfilment": "pickup"})

        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "restaurant_closed"
        assert body["detail"].startswith(
            "We are not taking orders right now (the restaurant is closed); we open again "
        )
        assert body["opens_at"].startswith(str(restaurant_today() + timedelta(days=1)))
        assert not Order.objects.exists()

    def test_a_scheduled_order_while_closed_today(self, client_as, customer):
        ClosureFactory(date=restaurant_today(), reason="Holiday")
        fill_cart(customer, ("10.00", 1))
        tomorrow_noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=1)

        response = client_as(customer).post(
            ORDERS, {"fulfilment": "pickup", "scheduled_for": tomorrow_noon.isoformat()}
        )

        assert response.status_code == 201, response.json()
        assert response.json()["scheduled_for"] == tomorrow_noon.isoformat()

    def test_a_naive_time_means_the_restaurants_time(self, client_as, customer):
        fill_cart(customer, ("10.00", 1))
        tomorrow_noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=1)

        response = client_as(customer).post(
            ORDERS, {"fulfilment": "pickup", "scheduled_for": tomorrow_noon.replace(tzinfo=None).isoformat()}
        )

        assert response.status_code == 201
        assert Order.objects.get().scheduled_for == tomorrow_noon

    def test_the_order_throttle_counts_placements_only(self, client_as, customer, throttle_rates):
        throttle_rates(order="1/min")
        client = client_as(customer)
        fill_cart(customer, ("10.00", 1))

        first = client.post(ORDERS, {"fulfilment": "pickup"})
        reads = [client.get(ORDERS).status_code for _ in range(3)]
        fill_cart(customer, ("10.00", 1))
        second = client.post(ORDERS, {"fulfilment": "pickup"})

        assert (first.status_code, reads, second.status_code) == (201, [200, 200, 200], 429)
        assert 0 < int(second["Retry-After"]) <= 60
        assert second.json() == {
            "detail": f"Request was throttled. Expected available in {second['Retry-After']} seconds.",
            "code": "throttled",
            "request_id": second["X-Request-ID"],
        }
        assert Order.objects.count() == 1
        assert CartLine.objects.filter(user=customer).count() == 1  # the refused placement left the cart

    def test_the_order_throttle_is_counted_per_customer(self, client_as, customer, other_customer, throttle_rates):
        throttle_rates(order="1/min", user="100/min")
        fill_cart(customer, ("10.00", 1), ("4.00", 1))
        fill_cart(other_customer, ("10.00", 1))

        statuses = [client_as(customer).post(ORDERS, {"fulfilment": "pickup"}).status_code for _ in range(2)]
        other = client_as(other_customer).post(ORDERS, {"fulfilment": "pickup"})

        assert (statuses, other.status_code) == ([201, 429], 201)


class TestIdempotencyKey:
    def test_a_retry_returns_the_first_order(self, client_as, customer):
        fill_cart(customer, ("10.00", 1))
        client = client_as(customer)
        payload = {"fulfilment": "delivery", "delivery_address": "1 Lemon St", "tip": "1"}

        first = client.post(ORDERS, payload, HTTP_IDEMPOTENCY_KEY="7f1c0a9e-retry")
        again = client.post(ORDERS, payload | {"tip": "1.00"}, HTTP_IDEMPOTENCY_KEY="7f1c0a9e-retry")

        assert (first.status_code, again.status_code) == (201, 200)
        assert again.json() == first.json()
        assert (first["Idempotent-Replayed"], again["Idempotent-Replayed"]) == ("false", "true")
        assert Order.objects.count() == 1
        assert Order.objects.get().idempotency_key == "7f1c0a9e-retry"

    def test_a_reused_key_with_a_different_body_is_a_409(self, client_as, customer):
        fill_cart(customer, ("10.00", 1))
        client = client_as(customer)
        first = client.post(ORDERS, {"fulfilment": "pickup"}, HTTP_IDEMPOTENCY_KEY="k1")
        fill_cart(customer, ("10.00", 1))

        response = client.post(ORDERS, {"fulfilment": "pickup", "notes": "extra napkins"}, HTTP_IDEMPOTENCY_KEY="k1")

        assert response.status_code == 409
        assert response.json() == {
            "detail": f"This Idempotency-Key was already used for order #{first.json()['id']} with different details; "
            "use a new key for a new order.",
            "code": "idempotency_key_reused",
            "order": first.json()["id"],
            "request_id": response["X-Request-ID"],
        }
        assert Order.objects.count() == 1
        assert CartLine.objects.filter(user=customer).count() == 1

    @pytest.mark.parametrize("key", ["", "   ", "k" * 256, "tab\tinside", "ключ"])
    def test_a_malformed_key_is_a_400(self, client_as, customer, key):
        fill_cart(customer, ("10.00", 1))

        response = client_as(customer).post(ORDERS, {"fulfilment": "pickup"}, HTTP_IDEMPOTENCY_KEY=key)

        assert response.status_code == 400
        assert response.json()["fields"] == {
            "Idempotency-Key": ["An Idempotency-Key is 1 to 255 printable ASCII characters."]
        }
        assert not Order.objects.exists()

    def test_a_255_character_key_is_fine(self, client_as, customer):
        fill_cart(customer, ("10.00", 1))

        response = client_as(customer).post(ORDERS, {"fulfilment": "pickup"}, HTTP_IDEMPOTENCY_KEY="k" * 255)

        assert response.status_code == 201


class TestRead:
    def test_the_list_is_newest_first_and_paginated(self, client_as, customer):
        orders = [OrderFactory(customer=customer) for _ in range(3)]
        OrderFactory()  # someone else's

        response = client_as(customer).get(ORDERS, {"page_size": 2})

        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 3
        assert [order["id"] for order in body["results"]] == [orders[2].pk, orders[1].pk]
        assert body["next"].endswith("page=2&page_size=2")

    def test_filters(self, client_as, manager, crew_user):
        placed = OrderFactory(status="placed")
        pickup = OrderFactory(status="ready", fulfilment="pickup")
        assigned = OrderFactory(status="preparing", delivery_crew=crew_user)
        old = OrderFactory(status="placed")
        Order.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=3))
        client = client_as(manager)

        def ids(**params) -> set[int]:
            response = client.get(ORDERS, params)
            assert response.status_code == 200, response.json()
            return {order["id"] for order in response.json()["results"]}

        assert ids(status="placed") == {placed.pk, old.pk}
        assert ids(status=["ready", "preparing"]) == {pickup.pk, assigned.pk}
        assert ids(fulfilment="pickup") == {pickup.pk}
        assert ids(delivery_crew=crew_user.pk) == {assigned.pk}
        assert ids(created_before=(timezone.now() - timedelta(days=1)).isoformat()) == {old.pk}
        assert ids(created_after=(timezone.now() - timedelta(days=1)).isoformat()) == {
            placed.pk,
            pickup.pk,
            assigned.pk,
        }

    @pytest.mark.parametrize(
        "params",
        [
            {"status": "lost"},
            {"fulfilment": "drone"},
            {"delivery_crew": "bob"},
            {"delivery_crew": 10**30},
            {"delivery_crew": 0},
            {"created_after": "yesterday"},
            {"created_after": "0001-01-01T00:00:00+05:00"},  # before year 1 in UTC
            {"page": 99},
        ],
    )
    def test_bad_filters_are_4xx(self, client_as, customer, params):
        response = client_as(customer).get(ORDERS, params)

        assert response.status_code in (400, 404)
        assert response.json()["code"] in ("invalid", "not_found")

    def test_dates_with_any_iso_offset_are_compared_in_utc(self, client_as, kitchen_user):
        # ISO 8601 allows offsets up to ±23:59; PostgreSQL stops at ±15:59 (a fuzz finding).
        order = OrderFactory(status="placed")
        params = {"created_after": "0186-01-06T09:00:42-23:33", "created_before": "4910-09-28T19:16:48-22:20"}

        response = client_as(kitchen_user).get(ORDERS, params)

        assert response.status_code == 200
        assert [row["id"] for row in response.json()["results"]] == [order.pk]

    def test_a_customer_filtering_for_others_still_sees_only_their_own(self, client_as, customer, crew_user):
        mine = OrderFactory(customer=customer, delivery_crew=crew_user)
        OrderFactory(delivery_crew=crew_user)

        response = client_as(customer).get(ORDERS, {"delivery_crew": crew_user.pk})

        assert [order["id"] for order in response.json()["results"]] == [mine.pk]

    def test_detail_and_allowed_transitions_per_person(self, client_as, customer, kitchen_user, manager):
        order = OrderFactory(customer=customer, status="accepted", items=2)

        as_customer = client_as(customer).get(f"{ORDERS}{order.pk}/").json()
        as_kitchen = client_as(kitchen_user).get(f"{ORDERS}{order.pk}/").json()
        as_manager = client_as(manager).get(f"{ORDERS}{order.pk}/").json()

        assert [item["title"] for item in as_customer["items"]] == [item.title for item in order.items.all()]
        assert as_customer["allowed_transitions"] == []
        assert as_kitchen["allowed_transitions"] == ["preparing"]
        assert as_manager["allowed_transitions"] == ["preparing", "cancelled"]

    def test_someone_elses_order_is_a_404(self, client_as, customer):
        order = OrderFactory()

        for path in (f"{ORDERS}{order.pk}/", f"{ORDERS}{order.pk}/events/"):
            response = client_as(customer).get(path)
            assert response.status_code == 404
            assert response.json() == {
                "detail": "No such order.",
                "code": "not_found",
                "request_id": response["X-Request-ID"],
            }

    def test_the_timeline(self, client_as, customer, manager):
        order = OrderFactory(customer=customer)
        client_as(manager).post(f"{ORDERS}{order.pk}/status/", {"status": "accepted", "note": "Busy night"})

        response = client_as(customer).get(f"{ORDERS}{order.pk}/events/")

        assert response.status_code == 200
        events = list(OrderEvent.objects.filter(order=order).order_by("id"))
        assert response.json() == [
            {
                "id": events[0].pk,
                "kind": "placed",
                "from_status": "",
                "to_status": "placed",
                "actor": customer.pk,
                "integration": None,
                "at": iso(events[0].at),
                "note": "",
            },
            {
                "id": events[1].pk,
                "kind": "status_changed",
                "from_status": "placed",
                "to_status": "accepted",
                "actor": manager.pk,
                "integration": None,
                "at": iso(events[1].at),
                "note": "Busy night",
            },
        ]


class TestStatus:
    def test_an_illegal_step_is_a_409_naming_the_status_and_the_next_ones(self, client_as, manager):
        order = OrderFactory(status="placed")

        response = client_as(manager).post(f"{ORDERS}{order.pk}/status/", {"status": "delivered"})

        assert response.status_code == 409
        assert response.json() == {
            "detail": f"Order #{order.pk} is placed: it cannot become delivered. "
            "Allowed next: accepted, rejected, cancelled.",
            "code": "invalid_transition",
            "current_status": "placed",
            "allowed": ["accepted", "rejected", "cancelled"],
            "request_id": response["X-Request-ID"],
        }

    def test_a_step_that_is_not_yours_is_a_403(self, client_as, customer):
        order = OrderFactory(customer=customer, status="placed")

        response = client_as(customer).post(f"{ORDERS}{order.pk}/status/", {"status": "accepted"})

        assert response.status_code == 403
        assert response.json() == {
            "detail": "Only a manager may accept an order that is placed.",
            "code": "permission_denied",
            "request_id": response["X-Request-ID"],
        }
        order.refresh_from_db()
        assert order.status == "placed"

    def test_a_customer_cancels_while_placed(self, client_as, customer):
        order = OrderFactory(customer=customer, status="placed")

        response = client_as(customer).post(f"{ORDERS}{order.pk}/status/", {"status": "cancelled"})

        assert response.status_code == 200
        assert (response.json()["status"], response.json()["payment_status"]) == ("cancelled", "void")
        assert response.json()["allowed_transitions"] == []

    @pytest.mark.parametrize(
        "payload",
        [
            {},
            {"status": "shipped"},
            {"status": "accepted", "note": "n" * 501},
            {"status": "accepted", "note": "\x1b[31m"},
        ],
    )
    def test_bad_input_is_a_400(self, client_as, manager, payload):
        order = OrderFactory()

        response = client_as(manager).post(f"{ORDERS}{order.pk}/status/", payload)

        assert response.status_code == 400
        order.refresh_from_db()
        assert order.status == "placed"

    def test_sending_out_without_a_driver_is_a_409(self, client_as, manager):
        order = OrderFactory(status="ready")

        response = client_as(manager).post(f"{ORDERS}{order.pk}/status/", {"status": "out_for_delivery"})

        assert response.status_code == 409
        assert response.json() == {
            "detail": "Assign a delivery crew member before sending the order out.",
            "code": "delivery_crew_required",
            "current_status": "ready",
            "allowed": ["preparing", "out_for_delivery", "cancelled"],  # it became ready just now: a recall too
            "request_id": response["X-Request-ID"],
        }


class TestAssign:
    def test_a_manager_assigns_a_driver(self, client_as, manager, crew_user):
        order = OrderFactory(status="accepted")

        response = client_as(manager).post(f"{ORDERS}{order.pk}/assign/", {"delivery_crew": crew_user.pk})

        assert response.status_code == 200
        assert (response.json()["delivery_crew"], response.json()["delivery_crew_name"]) == (
            crew_user.pk,
            crew_user.get_full_name(),
        )
        order.refresh_from_db()
        assert order.delivery_crew == crew_user

    @pytest.mark.parametrize(
        ("who", "code"),
        [
            ("customer", "not_delivery_crew"),
            ("kitchen", "not_delivery_crew"),
            ("nobody", "invalid"),
            ("text", "invalid"),
        ],
    )
    def test_the_driver_must_be_delivery_crew(self, client_as, manager, who, code):
        order = OrderFactory()
        target = {
            "customer": lambda: UserFactory().pk,
            "kitchen": lambda: UserFactory(roles=["kitchen"]).pk,
            "nobody": lambda: 10**30,
            "text": lambda: "driver",
        }[who]()

        response = client_as(manager).post(f"{ORDERS}{order.pk}/assign/", {"delivery_crew": target})

        assert response.status_code == 400
        assert (response.json()["code"], list(response.json()["fields"])) == (code, ["delivery_crew"])
        order.refresh_from_db()
        assert order.delivery_crew is None

    @pytest.mark.parametrize("written", ["number", "text"])
    def test_a_fractional_driver_id_is_refused_not_rounded(self, client_as, manager, crew_user, written):
        """Regression (attack inputs): 1.5 was read as user 1."""
        order = OrderFactory(status="accepted")
        value = crew_user.pk + 0.5 if written == "number" else f"{crew_user.pk}.5"

        response = client_as(manager).post(f"{ORDERS}{order.pk}/assign/", {"delivery_crew": value}, format="json")

        assert response.status_code == 400
        assert response.json()["fields"] == {"delivery_crew": ["A user id (integer) is required."]}
        order.refresh_from_db()
        assert order.delivery_crew is None

    def test_a_pickup_order_is_a_400(self, client_as, manager, crew_user):
        order = OrderFactory(fulfilment="pickup")

        response = client_as(manager).post(f"{ORDERS}{order.pk}/assign/", {"delivery_crew": crew_user.pk})

        assert response.status_code == 400
        assert response.json()["code"] == "not_a_delivery"

    def test_after_it_left_is_a_409(self, client_as, manager, crew_user):
        order = OrderFactory(status="out_for_delivery", delivery_crew=UserFactory(roles=["delivery-crew"]))

        response = client_as(manager).post(f"{ORDERS}{order.pk}/assign/", {"delivery_crew": crew_user.pk})

        assert response.status_code == 409
        assert response.json()["code"] == "assignment_closed"
        assert response.json()["current_status"] == "out_for_delivery"


def test_a_delivery_from_cart_to_door(client_as, customer, manager, kitchen_user, crew_user):
    """The issue's "done when": a customer orders; manager, kitchen and driver carry it to delivered."""
    restaurant_settings_update(
        data={"tax_rate": Decimal("10.25"), "delivery_fee": Decimal("4.99"), "minimum_order": Decimal("15")}
    )
    salad, lemonade = MenuItemFactory(price=Decimal("12.99")), MenuItemFactory(price=Decimal("3.75"))
    shopper = client_as(customer)
    assert shopper.post("/api/v1/cart/items/", {"menuitem": salad.pk, "quantity": 1}).status_code == 201
    assert shopper.post("/api/v1/cart/items/", {"menuitem": lemonade.pk, "quantity": 2}).status_code == 201
    assert shopper.get("/api/v1/cart/").json()["total"] == "20.49"

    placed = shopper.post(
        ORDERS, {"fulfilment": "delivery", "delivery_address": "1 Lemon St", "tip": "3"}, HTTP_IDEMPOTENCY_KEY="o-1"
    )
    assert placed.status_code == 201
    order_id = placed.json()["id"]
    assert (placed.json()["subtotal"], placed.json()["tax"], placed.json()["total"]) == ("20.49", "2.61", "31.09")

    def step(client, status):
        response = client.post(f"{ORDERS}{order_id}/status/", {"status": status})
        assert response.status_code == 200, response.json()
        return response.json()

    boss, cook, driver = client_as(manager), client_as(kitchen_user), client_as(crew_user)
    assert driver.get(f"{ORDERS}{order_id}/").status_code == 404  # not theirs yet
    step(boss, "accepted")
    assert boss.post(f"{ORDERS}{order_id}/assign/", {"delivery_crew": crew_user.pk}).status_code == 200
    assert driver.get(f"{ORDERS}{order_id}/").json()["allowed_transitions"] == []
    step(cook, "preparing")
    assert step(cook, "ready")["allowed_transitions"] == []  # a delivery: the driver takes it from here
    assert driver.get(f"{ORDERS}{order_id}/").json()["allowed_transitions"] == ["out_for_delivery"]
    step(driver, "out_for_delivery")
    done = step(driver, "delivered")

    assert (done["status"], done["payment_status"], done["allowed_transitions"]) == ("delivered", "paid", [])
    timeline = shopper.get(f"{ORDERS}{order_id}/events/").json()
    assert [(e["kind"], e["from_status"], e["to_status"]) for e in timeline] == [
        ("placed", "", "placed"),
        ("status_changed", "placed", "accepted"),
        ("assigned", "accepted", "accepted"),
        ("status_changed", "accepted", "preparing"),
        ("status_changed", "preparing", "ready"),
        ("status_changed", "ready", "out_for_delivery"),
        ("status_changed", "out_for_delivery", "delivered"),
        ("payment", "delivered", "delivered"),  # the money, collected by the driver (littlelemon/payments)
    ]
    assert [e["actor"] for e in timeline] == [
        customer.pk,
        manager.pk,
        manager.pk,
        kitchen_user.pk,
        kitchen_user.pk,
        crew_user.pk,
        crew_user.pk,
        crew_user.pk,
    ]
    assert list(OutboxEvent.objects.filter(aggregate_id=str(order_id)).values_list("type", flat=True)) == [
        "order.placed",
        "order.status_changed",
        "order.assigned",
        "order.status_changed",
        "order.status_changed",
        "order.status_changed",
        "order.status_changed",
    ]
    assert shopper.get("/api/v1/cart/").json() == {"items": [], "total": "0.00"}


def test_notes_keep_their_line_breaks(client_as, customer):
    fill_cart(customer, ("10.00", 1))

    response = client_as(customer).post(ORDERS, {"fulfilment": "pickup", "notes": "No onions.\r\nExtra lemon\tplease"})

    assert response.status_code == 201
    assert Order.objects.get().notes == "No onions.\r\nExtra lemon\tplease"
