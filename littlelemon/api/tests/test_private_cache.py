"""Responses cached per user (response_cache.PrivateResponseCache): the cart and the order list.

A signed-in client that asks again with nothing changed is answered from memory with one query
(the version stamps and the user's being active). These tests change what the responses show
through every kind of path (API, services, the ORM as the admin does, `QuerySet.update()`) and
prove that the next answer shows it; and that an entry is never served to anyone but the token
it was rendered for, nor after the token expires or the user is deactivated.
"""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.cart.models import CartLine
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.menu.models import MenuItem
from littlelemon.menu.tests.factories import MenuItemFactory
from littlelemon.orders import transitions
from littlelemon.orders.models import Order, OrderItem
from littlelemon.orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db

CART = "/api/v1/cart/"
ORDERS = "/api/v1/orders/"


def bearer(user, **claims) -> APIClient:
    token = AccessToken.for_user(user)
    for name, value in claims.items():
        token[name] = value
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def cart_of(client) -> list[tuple[str, int, str]]:
    return [(line["title"], line["quantity"], line["unit_price"]) for line in client.get(CART).json()["items"]]


def statuses(client) -> dict[int, str]:
    return {order["id"]: order["status"] for order in client.get(ORDERS).json()["results"]}


class TestCart:
    def test_a_repeated_read_is_one_query_with_private_headers(self, customer, django_assert_num_queries):
        CartLineFactory(user=customer, menuitem=MenuItemFactory(title="Hummus", price=Decimal("6.50")), quantity=2)
        client = bearer(customer)
        first = client.get(CART)

        with django_assert_num_queries(1):
            second = client.get(CART)

        assert second.content == first.content
        assert second.json()["items"][0]["title"] == "Hummus"
        assert second["Cache-Control"] == first["Cache-Control"] == "private, no-cache"
        assert second["ETag"] == first["ETag"]
        assert "Authorization" in second["Vary"] and "Accept" in second["Vary"]
        not_modified = client.get(CART, HTTP_IF_NONE_MATCH=first["ETag"])
        assert (not_modified.status_code, not_modified.content) == (304, b"")

    def test_a_stale_entry_is_rendered_again_reading_the_stamps_once(self, customer, django_assert_num_queries):
        line = CartLineFactory(user=customer, menuitem=MenuItemFactory(title="Hummus"), quantity=1)
        client = bearer(customer)
        client.get(CART)
        CartLine.objects.filter(pk=line.pk).update(quantity=4)

        with django_assert_num_queries(3):  # the stamps (by the middleware, found stale), the user, the lines
            response = client.get(CART)

        assert response.json()["items"][0]["quantity"] == 4

    def test_every_change_to_the_lines_shows_at_once(self, customer):
        hummus = MenuItemFactory(title="Hummus", price=Decimal("6.50"))
        falafel = MenuItemFactory(title="Falafel", price=Decimal("5.00"))
        client = bearer(customer)
        assert cart_of(client) == []

        client.post(f"{CART}items/", {"menuitem": hummus.pk, "quantity": 2})
        assert cart_of(client) == [("Hummus", 2, "6.50")]
        CartLine.objects.filter(user=customer).update(quantity=5)  # as a bulk update or the admin would
        assert cart_of(client) == [("Hummus", 5, "6.50")]
        CartLine.objects.create(user=customer, menuitem=falafel, quantity=1, price_when_added=falafel.price)
        assert cart_of(client) == [("Hummus", 5, "6.50"), ("Falafel", 1, "5.00")]
        CartLine.objects.filter(user=customer, menuitem=hummus).delete()
        assert cart_of(client) == [("Falafel", 1, "5.00")]
        client.delete(CART)
        assert cart_of(client) == []

    def test_a_price_or_availability_change_on_the_menu_shows_at_once(self, customer):
        dish = MenuItemFactory(title="Hummus", price=Decimal("6.50"))
        CartLineFactory(user=customer, menuitem=dish, quantity=1)
        client = bearer(customer)
        assert client.get(CART).json()["items"][0]["unit_price"] == "6.50"

        MenuItem.objects.filter(pk=dish.pk).update(price=Decimal("7.25"), available=False)

        line = client.get(CART).json()["items"][0]
        assert (line["unit_price"], line["available"]) == ("7.25", False)

    def test_another_users_token_never_reaches_the_entry(self, customer, other_customer):
        CartLineFactory(user=customer, menuitem=MenuItemFactory(title="Mine"))
        CartLineFactory(user=other_customer, menuitem=MenuItemFactory(title="Theirs"))
        mine = bearer(customer)
        assert [line["title"] for line in mine.get(CART).json()["items"]] == ["Mine"]

        assert [line["title"] for line in bearer(other_customer).get(CART).json()["items"]] == ["Theirs"]
        # A token with the same user id but another signature finds nothing and is refused.
        token = mine._credentials["HTTP_AUTHORIZATION"]
        forged = APIClient()
        forged.credentials(HTTP_AUTHORIZATION=token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
        response = forged.get(CART)
        assert response.status_code == 401
        assert b"Mine" not in response.content

    @pytest.mark.parametrize("change", ["deactivated", "deleted"])
    def test_a_deactivated_or_deleted_user_is_refused_at_once(self, customer, change):
        CartLineFactory(user=customer, menuitem=MenuItemFactory(title="Hummus"))
        client = bearer(customer)
        assert client.get(CART).status_code == 200

        if change == "deleted":
            customer.delete()
        else:
            type(customer).objects.filter(pk=customer.pk).update(is_active=False)
        response = client.get(CART)

        assert response.status_code == 401
        assert b"Hummus" not in response.content

    def test_an_expired_token_is_refused_though_its_entry_is_current(self, customer):
        CartLineFactory(user=customer, menuitem=MenuItemFactory(title="Hummus"))
        expires = int(time.time()) + 2
        client = bearer(customer, exp=expires)
        assert client.get(CART).status_code == 200

        time.sleep(expires - time.time() + 0.05)
        response = client.get(CART)

        assert response.status_code == 401
        assert b"Hummus" not in response.content

    def test_session_requests_are_never_kept(self, customer, django_assert_num_queries):
        CartLineFactory(user=customer, menuitem=MenuItemFactory(title="Hummus"))
        client = APIClient()
        client.force_login(customer)
        client.get(CART)

        with django_assert_num_queries(3):  # the session, the user, the lines: rendered again
            response = client.get(CART)

        assert response.json()["items"][0]["title"] == "Hummus"
        assert not response.has_header("Cache-Control")

    def test_the_throttle_counts_requests_answered_from_memory(self, customer, throttle_rates):
        throttle_rates(user="3/min")
        client = bearer(customer)

        answers = [client.get(CART) for _ in range(4)]

        assert [r.status_code for r in answers] == [200, 200, 200, 429]
        assert answers[3].json()["code"] == "throttled"
        assert answers[3].has_header("Retry-After")


class TestOrderList:
    def test_transitions_by_the_staff_show_in_the_customers_list(self, customer, manager, kitchen_user):
        order = OrderFactory(customer=customer)
        client = bearer(customer)
        assert statuses(client) == {order.pk: "placed"}

        transitions.order_status_change(order=order, actor=manager, status="accepted")
        assert statuses(client) == {order.pk: "accepted"}
        transitions.order_status_change(order=order, actor=kitchen_user, status="preparing")
        assert statuses(client) == {order.pk: "preparing"}

    def test_other_customers_orders_leave_the_entry_alone(self, customer, other_customer, django_assert_num_queries):
        mine = OrderFactory(customer=customer)
        client = bearer(customer)
        first = client.get(ORDERS)

        OrderFactory(customer=other_customer)
        Order.objects.exclude(customer=customer).update(notes="changed")
        with django_assert_num_queries(1):
            second = client.get(ORDERS)

        assert second.content == first.content
        assert [order["id"] for order in second.json()["results"]] == [mine.pk]

    def test_the_managers_list_follows_every_order(self, customer, manager):
        client = bearer(manager)
        assert statuses(client) == {}

        order = OrderFactory(customer=customer, items=2)
        assert statuses(client) == {order.pk: "placed"}
        Order.objects.filter(pk=order.pk).update(status="cancelled")
        assert statuses(client) == {order.pk: "cancelled"}
        OrderItem.objects.filter(order=order).update(title="Renamed")
        assert {item["title"] for item in client.get(ORDERS).json()["results"][0]["items"]} == {"Renamed"}
        order.delete()
        assert statuses(client) == {}

    def test_a_reassigned_order_leaves_the_first_drivers_list(self, customer, manager):
        first, second = UserFactory(roles=["delivery-crew"]), UserFactory(roles=["delivery-crew"])
        order = OrderFactory(customer=customer, fulfilment="delivery")
        first_client, second_client = bearer(first), bearer(second)
        assert statuses(first_client) == statuses(second_client) == {}

        transitions.order_assign(order=order, actor=manager, delivery_crew=first)
        assert (statuses(first_client), statuses(second_client)) == ({order.pk: "placed"}, {})
        transitions.order_assign(order=order, actor=manager, delivery_crew=second)
        assert (statuses(first_client), statuses(second_client)) == ({}, {order.pk: "placed"})

    def test_names_on_orders_follow_the_people(self, customer, manager, django_assert_num_queries):
        OrderFactory(customer=customer)
        client = bearer(manager)
        client.get(ORDERS)

        customer.last_login = customer.date_joined + timedelta(days=1)  # a log-in: nothing shown changes
        customer.save()
        with django_assert_num_queries(1):
            client.get(ORDERS)
        type(customer).objects.filter(pk=customer.pk).update(first_name="Zoë", last_name="Quint")

        assert client.get(ORDERS).json()["results"][0]["customer_name"] == "Zoë Quint"

    def test_a_role_given_or_taken_changes_what_the_list_shows(self, customer, other_customer):
        theirs = OrderFactory(customer=other_customer)
        client = bearer(customer)
        assert statuses(client) == {}

        customer.groups.add(Group.objects.get(name="manager"))
        assert statuses(client) == {theirs.pk: "placed"}
        assert client.get(ORDERS).json()["results"][0]["allowed_transitions"]
        customer.groups.clear()
        assert statuses(client) == {}

    def test_renaming_a_role_group_changes_what_its_members_see(self, manager, customer):
        order = OrderFactory(customer=customer)
        client = bearer(manager)
        assert statuses(client) == {order.pk: "placed"}

        Group.objects.filter(name="manager").update(name="former managers")

        assert statuses(client) == {}

    def test_each_query_string_and_format_has_its_own_entry(self, customer):
        placed = OrderFactory(customer=customer)
        done = OrderFactory(customer=customer, status="delivered")
        client = bearer(customer)

        assert statuses(client) == {placed.pk: "placed", done.pk: "delivered"}
        assert [o["id"] for o in client.get(ORDERS, {"status": "delivered"}).json()["results"]] == [done.pk]
        csv = client.get(ORDERS, HTTP_ACCEPT="text/csv")
        assert csv["Content-Type"].startswith("text/csv") and str(done.pk).encode() in csv.content
        assert client.get(ORDERS).json()["count"] == 2
