"""Guest orders: placing through the API with a cart token, nothing written on bad input,
idempotency per guest cart, the signed tracking token, and claiming into an account."""

from decimal import Decimal

import pytest
from django.core import mail, signing

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.cart.models import CartLine, GuestCart
from littlelemon.events.models import OutboxEvent
from littlelemon.menu.tests.factories import MenuItemFactory
from littlelemon.orders import guests
from littlelemon.orders.exceptions import OrderNotFound
from littlelemon.orders.models import Order, OrderEvent
from littlelemon.orders.selectors import order_tracked_get

from .factories import OrderFactory

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/orders/"
GUEST = {"guest_name": "Gina Guest", "guest_email": "Gina@Example.COM", "guest_phone": "+1 555 010 0200"}
PICKUP = {"fulfilment": "pickup", **GUEST}


def guest_cart_with(*prices_and_quantities) -> GuestCart:
    guest_cart = GuestCart.objects.create()
    for n, (price, quantity) in enumerate(prices_and_quantities, start=1):
        dish = MenuItemFactory(title=f"Dish {n}", price=Decimal(price))
        CartLine.objects.create(guest_cart=guest_cart, menuitem=dish, quantity=quantity, price_when_added=dish.price)
    return guest_cart


class TestPlaceAsGuest:
    def test_a_guest_places_an_order_from_their_cart(self, api_client):
        guest_cart = guest_cart_with(("10.00", 2))

        response = api_client.post(ORDERS, PICKUP, HTTP_X_CART_TOKEN=guest_cart.token)

        assert response.status_code == 201, response.json()
        order = Order.objects.get()
        assert (order.customer, order.guest_name, order.guest_email, order.guest_phone) == (
            None,
            "Gina Guest",
            "Gina@example.com",
            "+1 555 010 0200",
        )
        assert order.guest_cart == guest_cart
        assert order.subtotal == Decimal("20.00")
        body = response.json()
        assert (body["customer"], body["customer_name"], body["id"]) == (None, "Gina Guest", order.pk)
        assert response["Order-Tracking-URL"].endswith(f"/track/{guests.order_tracking_token(order)}/")
        assert not CartLine.objects.exists()
        event = OrderEvent.objects.get()
        assert (event.actor, event.to_status) == (None, "placed")
        assert OutboxEvent.objects.get(type="order.placed").payload["customer_id"] is None

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("guest_email", "", "Enter your e-mail address: we send the order's tracking link there."),
            ("guest_email", "not-an-address", "Enter a valid e-mail address."),
            ("guest_phone", "call me", "Enter a phone number: digits, spaces and + ( ) - only."),
            ("guest_phone", "", "Enter a phone number we can call about your order."),
            ("guest_name", "  ", "Enter your name."),
        ],
    )
    def test_bad_guest_details_are_a_400_naming_the_field_and_nothing_is_written(
        self, api_client, field, value, message
    ):
        guest_cart = guest_cart_with(("10.00", 1))

        response = api_client.post(ORDERS, {**PICKUP, field: value}, HTTP_X_CART_TOKEN=guest_cart.token)

        assert response.status_code == 400
        assert response.json()["fields"] == {field: [message]}
        assert not Order.objects.exists()
        assert not OutboxEvent.objects.exists()
        assert CartLine.objects.get().quantity == 1

    def test_a_wrong_token_places_nothing(self, api_client):
        guest_cart_with(("10.00", 1))

        response = api_client.post(ORDERS, PICKUP, HTTP_X_CART_TOKEN="guessed-token")

        assert response.status_code == 404
        assert not Order.objects.exists()

    def test_a_guest_cannot_list_orders(self, api_client):
        guest_cart = guest_cart_with(("10.00", 1))

        assert api_client.get(ORDERS, HTTP_X_CART_TOKEN=guest_cart.token).status_code == 401

    def test_an_idempotency_key_replays_the_order_of_this_guest_cart(self, api_client):
        guest_cart = guest_cart_with(("10.00", 1))
        headers = {"HTTP_X_CART_TOKEN": guest_cart.token, "HTTP_IDEMPOTENCY_KEY": "key-1"}

        first = api_client.post(ORDERS, PICKUP, **headers)
        again = api_client.post(ORDERS, PICKUP, **headers)
        other_details = api_client.post(ORDERS, {**PICKUP, "guest_name": "Someone Else"}, **headers)

        assert (first.status_code, again.status_code, other_details.status_code) == (201, 200, 409)
        assert again["Idempotent-Replayed"] == "true"
        assert again.json()["id"] == first.json()["id"]
        assert Order.objects.count() == 1

    def test_the_same_key_from_another_guest_cart_is_another_order(self, api_client):
        carts = [guest_cart_with(("10.00", 1)), guest_cart_with(("8.00", 1))]

        answers = [
            api_client.post(ORDERS, PICKUP, HTTP_X_CART_TOKEN=cart.token, HTTP_IDEMPOTENCY_KEY="same-key")
            for cart in carts
        ]

        assert [answer.status_code for answer in answers] == [201, 201]
        assert sorted(Order.objects.values_list("guest_cart_id", flat=True)) == sorted(cart.pk for cart in carts)

    def test_placing_counts_against_the_guest_limit_and_past_it_places_nothing(self, api_client, throttle_rates):
        throttle_rates(guest="2/min")
        first, second = guest_cart_with(("10.00", 1)), guest_cart_with(("8.00", 3))
        assert api_client.post("/api/v1/cart/guest/").status_code == 201  # one budget: carts made, orders placed

        placed = api_client.post(ORDERS, PICKUP, HTTP_X_CART_TOKEN=first.token)
        refused = api_client.post(ORDERS, PICKUP, HTTP_X_CART_TOKEN=second.token)

        assert placed.status_code == 201
        assert refused.status_code == 429 and refused.json()["code"] == "throttled"
        assert list(Order.objects.values_list("guest_cart_id", flat=True)) == [first.pk]
        assert CartLine.objects.get(guest_cart=second).quantity == 3
        assert api_client.post("/api/v1/cart/guest/").status_code == 429

    def test_a_signed_in_customer_is_not_held_by_the_guest_limit(self, api_client, client_as, throttle_rates):
        throttle_rates(guest="1/min")
        assert [api_client.post("/api/v1/cart/guest/").status_code for _ in range(2)] == [201, 429]
        customer = UserFactory()
        dish = MenuItemFactory(price=Decimal("9.00"))
        CartLine.objects.create(user=customer, menuitem=dish, quantity=2, price_when_added=dish.price)

        response = client_as(customer).post(ORDERS, {"fulfilment": "pickup"})

        assert response.status_code == 201, response.json()
        assert Order.objects.get().customer == customer

    def test_the_database_wants_a_customer_or_a_guest_name_and_email(self):
        from django.db import IntegrityError

        with pytest.raises(IntegrityError):
            OrderFactory(customer=None, guest_name="", guest_email="")

    def test_the_placed_email_goes_to_the_guest_with_the_tracking_link(self, api_client):
        from littlelemon.events.relay import relay_run

        guest_cart = guest_cart_with(("10.00", 1))
        api_client.post(ORDERS, PICKUP, HTTP_X_CART_TOKEN=guest_cart.token)
        order = Order.objects.get()

        relay_run()

        sent = [message for message in mail.outbox if message.to == ["Gina@example.com"]]
        assert len(sent) == 1
        assert f"/track/{guests.order_tracking_token(order)}/" in sent[0].body
        assert "Gina Guest" in sent[0].body


class TestTracking:
    def test_the_token_reads_its_order(self):
        order = OrderFactory(customer=None, guest_name="G", guest_email="g@example.com")

        assert order_tracked_get(token=guests.order_tracking_token(order)).pk == order.pk

    def test_a_forged_or_altered_token_reads_no_order(self):
        order = OrderFactory(customer=None, guest_name="G", guest_email="g@example.com")
        other = OrderFactory()
        token = guests.order_tracking_token(order)
        forged = [
            token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
            signing.dumps(other.pk, salt="another salt"),
            signing.dumps(other.pk),
            str(other.pk),
            "",
        ]
        for bad in forged:
            with pytest.raises(OrderNotFound):
                order_tracked_get(token=bad)

    def test_another_orders_token_reads_only_that_order(self):
        mine = OrderFactory(customer=None, guest_name="G", guest_email="g@example.com")
        theirs = OrderFactory(customer=None, guest_name="H", guest_email="h@example.com")

        assert order_tracked_get(token=guests.order_tracking_token(theirs)).pk == theirs.pk != mine.pk


class TestClaim:
    def guest_orders(self, email: str, count: int = 1) -> list[Order]:
        return [OrderFactory(customer=None, guest_name="G", guest_email=email) for _ in range(count)]

    def test_the_right_email_claims_its_orders_and_changes_nothing_else(self):
        user = UserFactory(email="me@example.com")
        mine = self.guest_orders("Me@Example.com", 2)
        not_mine = self.guest_orders("someone@example.com")

        email, claimed = guests.guest_orders_claim(
            user=user, token=guests.claim_token(user=user, email="me@example.com")
        )

        assert (email, claimed) == ("me@example.com", sorted(order.pk for order in mine))
        for order in mine:
            order.refresh_from_db()
            assert (order.customer, order.guest_name, order.guest_email) == (user, "G", "Me@Example.com")
        not_mine[0].refresh_from_db()
        assert not_mine[0].customer is None

    def test_a_link_for_another_email_claims_only_that_emails_orders(self):
        user = UserFactory(email="me@example.com")
        mine = self.guest_orders("me@example.com")

        _, claimed = guests.guest_orders_claim(
            user=user, token=guests.claim_token(user=user, email="other@example.com")
        )

        assert claimed == []
        mine[0].refresh_from_db()
        assert mine[0].customer is None

    def test_an_expired_link_claims_nothing(self):
        user = UserFactory()
        order = self.guest_orders("me@example.com")[0]
        token = guests.claim_token(user=user, email="me@example.com")

        with pytest.raises(guests.ClaimLinkExpired):
            guests.guest_orders_claim(user=user, token=token, max_age=-1)
        order.refresh_from_db()
        assert order.customer is None

    def test_someone_elses_link_claims_nothing(self):
        asker, thief = UserFactory(), UserFactory()
        order = self.guest_orders("me@example.com")[0]

        with pytest.raises(guests.ClaimLinkNotYours):
            guests.guest_orders_claim(user=thief, token=guests.claim_token(user=asker, email="me@example.com"))
        with pytest.raises(guests.ClaimLinkInvalid):
            guests.guest_orders_claim(user=thief, token=signing.dumps({"user": thief.pk, "email": "me@example.com"}))
        order.refresh_from_db()
        assert order.customer is None

    def test_an_order_already_claimed_stays_with_its_customer(self):
        first, second = UserFactory(), UserFactory()
        order = self.guest_orders("me@example.com")[0]
        guests.guest_orders_claim(user=first, token=guests.claim_token(user=first, email="me@example.com"))

        _, claimed = guests.guest_orders_claim(
            user=second, token=guests.claim_token(user=second, email="me@example.com")
        )

        order.refresh_from_db()
        assert (claimed, order.customer) == ([], first)
