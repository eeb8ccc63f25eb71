"""Ordering without an account on the web: the guest checkout (nothing written on bad input,
one order per idempotency key), the tracking page its link opens (a forged one is a 404), and
claiming guest orders into an account by a link sent to the e-mail address."""

import re
import uuid

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.cart.models import CartLine, GuestCart
from littlelemon.events.models import OutboxEvent
from littlelemon.orders import guests
from littlelemon.orders.models import Order
from littlelemon.orders.tests.factories import OrderFactory
from littlelemon.web.cart import GUEST_CART_KEY

pytestmark = pytest.mark.django_db


def guest_form(**overrides) -> dict:
    return {
        "guest_name": "Gina Guest",
        "guest_email": "gina@example.com",
        "guest_phone": "+1 555 010 0200",
        "fulfilment": "pickup",
        "delivery_address": "",
        "when": "asap",
        "scheduled_for": "",
        "tip": "",
        "payment_method": "cash",
        "notes": "",
        "idempotency_key": uuid.uuid4().hex,
        **overrides,
    }


def guest_lines(client) -> list[tuple[int, int]]:
    lines = CartLine.objects.filter(guest_cart__token=client.session[GUEST_CART_KEY])
    return list(lines.order_by("id").values_list("menuitem_id", "quantity"))


@pytest.fixture
def visitor(client, menu):
    client.post(reverse("web:cart_add"), {"menuitem": menu["hummus"].pk, "quantity": 2})
    return client


class TestGuestCheckout:
    def test_a_visitor_orders_and_lands_on_the_tracking_page(self, visitor):
        response = visitor.post(reverse("web:checkout"), guest_form(), follow=True)

        order = Order.objects.get()
        token = guests.order_tracking_token(order)
        assert response.redirect_chain == [(f"/track/{token}/", 302)]
        assert (order.customer, order.guest_name, order.guest_email, order.fulfilment) == (
            None,
            "Gina Guest",
            "gina@example.com",
            "pickup",
        )
        assert [(item.title, item.quantity) for item in order.items.all()] == [("Hummus", 2)]
        html = response.content.decode()
        assert f"Thank you! Your order #{order.pk} is placed." in html
        assert f"http://testserver/track/{token}/" in html  # the link to keep
        assert "My orders" not in html
        assert f'hx-get="/track/{token}/status/?since=' in html
        assert "sse-connect" not in html
        assert not CartLine.objects.exists()  # the guest cart is emptied, and kept for a resubmission
        assert order.guest_cart.token == visitor.session[GUEST_CART_KEY]

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("guest_email", "", "Enter your e-mail address: we send the order&#x27;s tracking link there."),
            ("guest_email", "nope", "Enter a valid e-mail address."),
            ("guest_phone", "call me maybe", "Enter a phone number: digits, spaces and + ( ) - only."),
            ("guest_name", "", "Enter your name."),
        ],
    )
    def test_bad_details_are_shown_by_their_field_and_nothing_is_written(self, visitor, menu, field, value, message):
        response = visitor.post(reverse("web:checkout"), guest_form(**{field: value}))

        assert response.status_code == 200
        html = response.content.decode()
        assert message in html
        assert not Order.objects.exists()
        assert not OutboxEvent.objects.exists()
        assert guest_lines(visitor) == [(menu["hummus"].pk, 2)]  # the cart is kept

    def test_a_refused_placement_writes_nothing_and_keeps_the_cart(self, visitor, menu):
        response = visitor.post(reverse("web:checkout"), guest_form(fulfilment="delivery", delivery_address=""))

        assert response.status_code == 200
        assert not Order.objects.exists()
        assert guest_lines(visitor) == [(menu["hummus"].pk, 2)]

    def test_placing_twice_with_one_key_makes_one_order(self, visitor):
        form = guest_form()

        first = visitor.post(reverse("web:checkout"), form)
        second = visitor.post(reverse("web:checkout"), form)

        assert first.status_code == second.status_code == 302
        assert first.url == second.url
        assert Order.objects.count() == 1
        assert GuestCart.objects.count() == 1

    def test_a_visitor_who_never_added_a_dish_is_told_the_cart_is_empty_and_nothing_is_made(self, client, menu):
        response = client.post(reverse("web:checkout"), guest_form())

        assert response.status_code == 200
        assert "Your cart is empty" in response.content.decode()
        assert not GuestCart.objects.exists() and not Order.objects.exists()

    def test_another_order_from_the_same_visit_uses_the_same_guest_cart(self, visitor, menu):
        visitor.post(reverse("web:checkout"), guest_form())
        visitor.post(reverse("web:cart_add"), {"menuitem": menu["moussaka"].pk})

        visitor.post(reverse("web:checkout"), guest_form())

        first, second = Order.objects.order_by("id")
        assert first.guest_cart == second.guest_cart == GuestCart.objects.get()
        assert [item.title for item in second.items.all()] == ["Moussaka"]

    def test_the_order_email_carries_the_tracking_link(self, visitor):
        from littlelemon.events.relay import relay_run

        visitor.post(reverse("web:checkout"), guest_form())
        relay_run()

        order = Order.objects.get()
        (message,) = [message for message in mail.outbox if message.to == ["gina@example.com"]]
        assert f"http://testserver/track/{guests.order_tracking_token(order)}/" in message.body or (
            f"/track/{guests.order_tracking_token(order)}/" in message.body
        )


class TestTrackingPage:
    def guest_order(self, **fields):
        return OrderFactory(customer=None, guest_name="Gina", guest_email="gina@example.com", **fields)

    def test_the_link_shows_the_order_to_anyone_holding_it(self, client):
        order = self.guest_order(notes="<script>alert(1)</script>")

        response = client.get(reverse("web:order_tracked", args=[guests.order_tracking_token(order)]))

        assert response.status_code == 200
        html = response.content.decode()
        assert f"Order #{order.pk}" in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
        assert "Cancel order" not in html
        assert response["Referrer-Policy"] == "no-referrer"

    def test_a_forged_link_is_a_404(self, client):
        order = self.guest_order()
        token = guests.order_tracking_token(order)

        for forged in (token[:-1] + ("x" if token[-1] != "x" else "y"), str(order.pk), "abc"):
            assert client.get(reverse("web:order_tracked", args=[forged])).status_code == 404
            assert client.get(reverse("web:order_tracked_status", args=[forged])).status_code == 404

    def test_another_orders_link_shows_that_order_only(self, client):
        mine, theirs = self.guest_order(), self.guest_order()

        html = client.get(reverse("web:order_tracked", args=[guests.order_tracking_token(theirs)])).content.decode()

        assert f"Order #{theirs.pk}" in html and f"Order #{mine.pk}" not in html

    def test_the_status_fragment_answers_204_until_something_happens(self, client):
        order = self.guest_order()
        token = guests.order_tracking_token(order)
        page = client.get(reverse("web:order_tracked", args=[token])).content.decode()
        since = re.search(r"status/\?since=(\d+)", page).group(1)

        unchanged = client.get(reverse("web:order_tracked_status", args=[token]), {"since": since})
        changed = client.get(reverse("web:order_tracked_status", args=[token]), {"since": "0"})

        assert unchanged.status_code == 204
        assert changed.status_code == 200 and "Status:" in changed.content.decode()

    def test_the_customers_own_order_page_is_not_open_to_guests(self, client):
        order = self.guest_order()

        response = client.get(reverse("web:order", args=[order.pk]))

        assert response.status_code == 302 and "/account/login/" in response.url


class TestClaim:
    def claim_link(self, client, email: str, capture) -> str:
        with capture(execute=True):
            client.post(reverse("web:claim_request"), {"email": email})
        (message,) = [message for message in mail.outbox if message.to == [email]]
        return re.search(r"http://testserver(/account/claim/[^/\s]+/)", message.body).group(1)

    def test_the_right_email_claims_the_guest_orders(self, client, django_capture_on_commit_callbacks):
        user = UserFactory(email="gina@example.com")
        order = OrderFactory(customer=None, guest_name="Gina", guest_email="gina@example.com")
        client.force_login(user)

        link = self.claim_link(client, "gina@example.com", django_capture_on_commit_callbacks)
        confirm = client.get(link)
        claimed = client.post(link, follow=True)

        assert confirm.status_code == 200 and "Add them to my account" in confirm.content.decode()
        order.refresh_from_db()
        assert order.customer == user and order.guest_email == "gina@example.com"
        assert "1 guest order(s) placed with gina@example.com are now in your account." in claimed.content.decode()

    def test_someone_elses_session_claims_nothing(self, client, django_capture_on_commit_callbacks):
        asker, other = UserFactory(), UserFactory()
        order = OrderFactory(customer=None, guest_name="Gina", guest_email="gina@example.com")
        client.force_login(asker)
        link = self.claim_link(client, "gina@example.com", django_capture_on_commit_callbacks)

        client.force_login(other)
        response = client.post(link)

        assert response.status_code == 400
        assert "This link was sent for another account" in response.content.decode()
        order.refresh_from_db()
        assert order.customer is None

    def test_an_expired_link_claims_nothing(self, client, settings, monkeypatch):
        user = UserFactory()
        order = OrderFactory(customer=None, guest_name="Gina", guest_email="gina@example.com")
        client.force_login(user)
        token = guests.claim_token(user=user, email="gina@example.com")
        monkeypatch.setattr(guests, "CLAIM_MAX_AGE", -1)
        monkeypatch.setattr(guests.guest_orders_claim, "__kwdefaults__", {"max_age": -1})

        response = client.post(reverse("web:claim_confirm", args=[token]))

        assert response.status_code == 400 and "This link has expired" in response.content.decode()
        order.refresh_from_db()
        assert order.customer is None

    def test_the_claim_page_wants_a_signed_in_user(self, client):
        assert "/account/login/" in client.get(reverse("web:claim_request")).url

    def test_asking_for_claim_links_is_throttled(self, client, throttle_rates, django_capture_on_commit_callbacks):
        throttle_rates(guest="2/min")
        client.force_login(UserFactory())

        with django_capture_on_commit_callbacks(execute=True):
            statuses = [
                client.post(reverse("web:claim_request"), {"email": "gina@example.com"}).status_code for _ in range(3)
            ]

        assert statuses == [302, 302, 429]
        assert len(mail.outbox) == 2


THROTTLED = re.compile(r"Too many (?P<what>[a-z ]+) from your address\. Please try again in \d+ seconds\.")


def throttled_message(response) -> str:
    """The 429's message (the page's, or the htmx fragment's), after checking its Retry-After."""
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    return THROTTLED.search(response.content.decode()).group("what")


def another_visitor():
    """A new browser from the same address (its own session, no cart yet)."""
    return Client()


class TestGuestLimit:
    """Making a visitor's guest cart and placing a guest order count against the address's guest
    limit (THROTTLE_GUEST_RATE), one budget with the API's guest carts and claim links."""

    @pytest.mark.parametrize("how", ["form", "htmx", "dish page"])
    def test_a_first_add_past_the_limit_is_a_429_and_makes_no_cart(self, menu, throttle_rates, how):
        throttle_rates(guest="2/min")
        for _ in range(2):
            assert another_visitor().post(reverse("web:cart_add"), {"menuitem": menu["hummus"].pk}).status_code == 302
        visitor = another_visitor()

        if how == "dish page":
            response = visitor.post(reverse("web:dish_add", args=[menu["moussaka"].slug]), {"quantity": "1"})
        else:
            headers = {"HX-Request": "true"} if how == "htmx" else {}
            response = visitor.post(reverse("web:cart_add"), {"menuitem": menu["moussaka"].pk}, headers=headers)

        assert throttled_message(response) == "new carts"
        assert ("<html" in response.content.decode()) == (how != "htmx")  # htmx swaps in the message alone
        assert GuestCart.objects.count() == 2
        assert not CartLine.objects.filter(menuitem=menu["moussaka"]).exists()
        assert GUEST_CART_KEY not in visitor.session

    def test_a_visitor_with_a_cart_adds_on_past_the_limit(self, visitor, menu, throttle_rates):
        throttle_rates(guest="2/min")
        another_visitor().post(reverse("web:cart_add"), {"menuitem": menu["hummus"].pk})
        assert another_visitor().post(reverse("web:cart_add"), {"menuitem": menu["hummus"].pk}).status_code == 429

        response = visitor.post(reverse("web:cart_add"), {"menuitem": menu["moussaka"].pk})

        assert response.status_code == 302
        assert guest_lines(visitor) == [(menu["hummus"].pk, 2), (menu["moussaka"].pk, 1)]

    def test_placing_a_guest_order_counts_and_past_the_limit_places_nothing(self, visitor, menu, throttle_rates):
        throttle_rates(guest="2/min")  # the visitor's cart was the first

        placed = visitor.post(reverse("web:checkout"), guest_form())
        visitor.post(reverse("web:cart_add"), {"menuitem": menu["moussaka"].pk})
        refused = visitor.post(reverse("web:checkout"), guest_form(notes="Again"))

        assert placed.status_code == 302
        assert throttled_message(refused) == "guest orders"
        assert [item.title for order in Order.objects.all() for item in order.items.all()] == ["Hummus"]
        assert guest_lines(visitor) == [(menu["moussaka"].pk, 1)]  # the cart is kept
        assert visitor.session["checkout_draft"]["notes"] == "Again"  # and what was typed
        assert OutboxEvent.objects.filter(type="order.placed").count() == 1

    def test_bad_details_do_not_count(self, visitor, throttle_rates):
        throttle_rates(guest="2/min")

        for _ in range(3):
            assert visitor.post(reverse("web:checkout"), guest_form(guest_email="nope")).status_code == 200
        placed = visitor.post(reverse("web:checkout"), guest_form())

        assert placed.status_code == 302 and Order.objects.count() == 1

    def test_guest_carts_made_through_the_api_share_the_budget(self, menu, api_client, throttle_rates):
        throttle_rates(guest="2/min")
        assert [api_client.post("/api/v1/cart/guest/").status_code for _ in range(2)] == [201, 201]

        response = another_visitor().post(reverse("web:cart_add"), {"menuitem": menu["hummus"].pk})

        assert throttled_message(response) == "new carts"
        assert GuestCart.objects.count() == 2

    def test_a_signed_in_customer_is_not_held_by_the_guest_limit(self, client, menu, throttle_rates):
        throttle_rates(guest="1/min")
        another_visitor().post(reverse("web:cart_add"), {"menuitem": menu["hummus"].pk})
        assert another_visitor().post(reverse("web:cart_add"), {"menuitem": menu["hummus"].pk}).status_code == 429
        customer = UserFactory()
        client.force_login(customer)

        added = client.post(reverse("web:cart_add"), {"menuitem": menu["moussaka"].pk, "quantity": 2})
        placed = client.post(reverse("web:checkout"), {**guest_form(), "delivery_address": ""})

        assert added.status_code == 302
        assert placed.status_code == 302, placed.content.decode()
        order = Order.objects.get()
        assert order.customer == customer
        assert [(item.title, item.quantity) for item in order.items.all()] == [("Moussaka", 2)]
        assert GuestCart.objects.count() == 1


def someone(role: str):
    if role == "admin":
        return UserFactory(is_superuser=True)
    return UserFactory(roles=[] if role == "customer" else [role])


class TestReadsAndAccess:
    @pytest.mark.parametrize("role", ["anonymous", "customer", "kitchen", "delivery-crew", "manager", "admin"])
    def test_the_tracking_page_opens_for_whoever_holds_the_link(self, client, role):
        order = OrderFactory(customer=None, guest_name="Gina", guest_email="gina@example.com")
        if role != "anonymous":
            client.force_login(
                UserFactory(is_superuser=True)
                if role == "admin"
                else UserFactory(roles=[] if role == "customer" else [role])
            )

        assert client.get(reverse("web:order_tracked", args=[guests.order_tracking_token(order)])).status_code == 200

    @pytest.mark.parametrize("role", ["customer", "kitchen", "delivery-crew", "manager", "admin"])
    def test_claiming_is_for_anyone_signed_in(self, client, role):
        client.force_login(
            UserFactory(is_superuser=True)
            if role == "admin"
            else UserFactory(roles=[] if role == "customer" else [role])
        )

        assert client.get(reverse("web:claim_request")).status_code == 200
        token = guests.claim_token(user=UserFactory(), email="x@example.com")
        assert client.get(reverse("web:claim_confirm", args=[token])).status_code == 200

    def test_the_tracking_page_reads_as_much_for_one_item_as_for_five(self, client, django_assert_num_queries):
        counts = []
        for items in (1, 5):
            order = OrderFactory(customer=None, guest_name="Gina", guest_email="gina@example.com", items=items)
            path = reverse("web:order_tracked", args=[guests.order_tracking_token(order)])
            client.get(path)  # warm the session and the restaurant's cached settings
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1], counts
        with django_assert_num_queries(counts[0]):
            client.get(path)
