"""Checkout without JavaScript: a visitor signs up or logs in and keeps the cart; "Place order"
makes one order (idempotency key), and every refusal is shown next to its field with nothing
lost and nothing written."""

import re
import uuid
from datetime import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from littlelemon.accounts.models import User
from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.cart.models import CartLine
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.models import Order
from littlelemon.restaurant.selectors import restaurant_today
from littlelemon.restaurant.services import restaurant_settings_update
from littlelemon.restaurant.tests.factories import ClosureFactory
from littlelemon.web.cart import GUEST_CART_KEY

from .htmltext import text, texts

pytestmark = pytest.mark.django_db

PASSWORD = "lemons are sunshine"


def order_form(**overrides) -> dict:
    return {
        "fulfilment": "delivery",
        "delivery_address": "12 Olive Street, flat 3",
        "when": "asap",
        "scheduled_for": "",
        "tip": "2.00",
        "payment_method": "cash",
        "notes": "Ring twice",
        "idempotency_key": uuid.uuid4().hex,
        **overrides,
    }


@pytest.fixture
def priced(db):
    restaurant_settings_update(data={"tax_rate": Decimal("10.00"), "delivery_fee": Decimal("4.00")})


@pytest.fixture
def shopper(client, customer, menu):
    """A signed-in customer with 2 hummus and 1 moussaka in the cart."""
    CartLineFactory(user=customer, menuitem=menu["hummus"], quantity=2)
    CartLineFactory(user=customer, menuitem=menu["moussaka"], quantity=1)
    client.force_login(customer)
    return customer


class TestAVisitorAtCheckout:
    def test_may_order_as_a_guest_or_log_in_or_sign_up_and_sees_the_order(self, client, menu):
        client.post(reverse("web:cart_add"), {"menuitem": menu["hummus"].pk})

        html = client.get(reverse("web:checkout")).content.decode()

        assert "Your details" in html and 'name="guest_email"' in html
        assert 'href="/account/signup/?next=%2Fcheckout%2F"' in html
        assert 'href="/account/login/?next=%2Fcheckout%2F"' in html
        assert texts(html, css_class="summary__dish") == ["1 × Hummus"]
        assert "Place order" in html

    def test_signing_up_keeps_the_cart_and_comes_back_to_checkout(self, client, menu):
        client.post(reverse("web:cart_add"), {"menuitem": menu["hummus"].pk, "quantity": 2})

        response = client.post(
            "/account/signup/?next=/checkout/",
            {"username": "tilly", "email": "tilly@example.com", "password": PASSWORD, "next": "/checkout/"},
        )

        assert response.status_code == 302 and response.url == "/checkout/"
        tilly = User.objects.get(username="tilly")
        assert list(CartLine.objects.filter(user=tilly).values_list("menuitem_id", "quantity")) == [
            (menu["hummus"].pk, 2)
        ]
        assert GUEST_CART_KEY not in client.session
        assert not CartLine.objects.filter(guest_cart__isnull=False).exists()
        html = client.get("/checkout/").content.decode()
        assert "Place order" in html and texts(html, css_class="summary__dish") == ["2 × Hummus"]

    def test_logging_in_merges_the_cart_into_the_accounts(self, client, menu):
        tilly = UserFactory(username="tilly", password=PASSWORD)
        CartLineFactory(user=tilly, menuitem=menu["hummus"], quantity=1)
        client.post(reverse("web:cart_add"), {"menuitem": menu["hummus"].pk, "quantity": 2})
        client.post(reverse("web:cart_add"), {"menuitem": menu["tagine"].pk})

        response = client.post(
            "/account/login/?next=/checkout/", {"username": "tilly", "password": PASSWORD, "next": "/checkout/"}
        )

        assert response.status_code == 302 and response.url == "/checkout/"
        lines = CartLine.objects.filter(user=tilly).order_by("menuitem__title")
        assert [(line.menuitem.title, line.quantity) for line in lines] == [("Hummus", 3), ("Vegetable Tagine", 1)]
        assert GUEST_CART_KEY not in client.session
        assert not CartLine.objects.filter(guest_cart__isnull=False).exists()

    def test_logging_in_names_what_could_not_come_along(self, client, menu):
        UserFactory(username="tilly", password=PASSWORD)
        client.post(reverse("web:cart_add"), {"menuitem": menu["hummus"].pk})
        client.post(reverse("web:cart_add"), {"menuitem": menu["tagine"].pk})
        menu["hummus"].available = False
        menu["hummus"].save()

        response = client.post("/account/login/", {"username": "tilly", "password": PASSWORD}, follow=True)

        assert "Your cart is kept, except for Hummus (sold out)." in response.content.decode()
        assert list(CartLine.objects.values_list("user__username", "menuitem__title")) == [
            ("tilly", "Vegetable Tagine")
        ]


class TestPlaceOrder:
    def test_places_a_delivery_order_charging_what_the_cart_showed(self, client, shopper, menu, priced):
        cart_total = text(client.get(reverse("web:cart")).content, css_class="totals__total")
        form = order_form(tip="0")

        response = client.post(reverse("web:checkout"), form)

        order = Order.objects.get(customer=shopper)
        assert response.status_code == 302 and response.url == reverse("web:order", args=[order.pk])
        assert cart_total == f"Total with delivery ${order.total}" == "Total with delivery $39.05"
        assert order.fulfilment == "delivery" and order.notes == "Ring twice"
        assert order.delivery_address == "12 Olive Street, flat 3"
        assert order.status == OrderStatus.PLACED and order.scheduled_for is None
        assert not CartLine.objects.filter(user=shopper).exists()
        page = client.get(response.url).content
        assert text(page, css_class="message--success") == f"Thank you! Your order #{order.pk} is placed."

    def test_a_double_submit_makes_one_order(self, client, shopper):
        form = order_form()

        first = client.post(reverse("web:checkout"), form)
        second = client.post(reverse("web:checkout"), form)

        order = Order.objects.get(customer=shopper)
        assert first.url == second.url == reverse("web:order", args=[order.pk])

    def test_a_scheduled_pickup_order(self, client, shopper, hours):
        page = client.get(reverse("web:checkout")).content.decode()
        times = re.findall(r'<option value="([^"]+T[^"]+)"', page)
        assert times, "scheduled times are offered"

        client.post(reverse("web:checkout"), order_form(fulfilment="pickup", when="later", scheduled_for=times[-1]))

        order = Order.objects.get(customer=shopper)
        assert order.fulfilment == "pickup" and order.scheduled_for == datetime.fromisoformat(times[-1])

    def test_the_checkout_page_offers_the_last_address_and_a_fresh_key(self, client, shopper):
        html = client.get(reverse("web:checkout")).content.decode()

        assert text(html, tag="h1") == "Checkout"
        assert 'name="idempotency_key"' in html
        assert text(html, tag="button", css_class="button--block") == "Place order"


class TestRefusals:
    def assert_nothing_placed(self, shopper, lines=2):
        assert not Order.objects.filter(customer=shopper).exists()
        assert CartLine.objects.filter(user=shopper).count() == lines

    def test_a_delivery_without_an_address_says_so_next_to_the_address(self, client, shopper):
        response = client.post(reverse("web:checkout"), order_form(delivery_address="", notes="Ring <b>twice</b>"))

        assert response.status_code == 200
        assert text(response.content, id="id_delivery_address_error") == "A delivery order needs a delivery address."
        html = response.content.decode()
        assert "Ring &lt;b&gt;twice&lt;/b&gt;</textarea>" in html  # kept, and escaped
        self.assert_nothing_placed(shopper)

    def test_a_closed_restaurant_says_so_next_to_when(self, client, shopper, hours):
        ClosureFactory(date=restaurant_today(), reason="Holiday")

        response = client.post(reverse("web:checkout"), order_form())

        assert "closed" in text(response.content, id="id_when_error").lower()
        assert "12 Olive Street, flat 3</textarea>" in response.content.decode()
        self.assert_nothing_placed(shopper)

    def test_a_dish_that_sold_out_meanwhile_is_named(self, client, shopper, menu):
        menu["moussaka"].available = False
        menu["moussaka"].save()

        response = client.post(reverse("web:checkout"), order_form())

        assert "Moussaka" in text(response.content, css_class="form-errors")
        assert "Remove" in text(response.content, css_class="summary__problem")
        self.assert_nothing_placed(shopper)

    def test_under_the_minimum_says_by_how_much(self, client, shopper):
        restaurant_settings_update(data={"minimum_order": Decimal("50.00")})

        response = client.post(reverse("web:checkout"), order_form())

        assert "add 18.50 USD more" in text(response.content, css_class="form-errors")
        self.assert_nothing_placed(shopper)

    def test_a_scheduled_time_must_be_chosen(self, client, shopper):
        response = client.post(reverse("web:checkout"), order_form(when="later"))

        assert text(response.content, id="id_scheduled_for_error") == "Choose a time, or order for as soon as possible."
        self.assert_nothing_placed(shopper)


def test_the_checkout_page_runs_fixed_queries_whatever_the_cart(client, customer, django_assert_num_queries):
    from littlelemon.menu.tests.factories import MenuItemFactory

    for size in (1, 10):
        CartLine.objects.all().delete()
        for _ in range(size):
            CartLineFactory(user=customer, menuitem=MenuItemFactory())
        client.force_login(customer)
        # session, user, settings, hours, closures, the last delivery address, cart lines, the
        # header's roles (staff get their screens' links)
        with django_assert_num_queries(8):
            response = client.get(reverse("web:checkout"))
        assert len(texts(response.content, css_class="summary__dish")) == size
