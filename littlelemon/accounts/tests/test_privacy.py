"""A customer's data: the export (page and API) and deleting the account (page, API, and a
manager on request): what goes, what stays for the books, and the refusals that change nothing."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from conftest import api_client_for, user_with_role
from littlelemon.accounts import privacy
from littlelemon.accounts.models import User
from littlelemon.accounts.tests.factories import PASSWORD
from littlelemon.audit.models import AuditEntry
from littlelemon.bookings.models import Booking
from littlelemon.bookings.tests.clock import NOW
from littlelemon.bookings.tests.factories import BookingFactory
from littlelemon.cart.models import CartLine
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.events.models import OutboxEvent
from littlelemon.orders.models import Order, OrderEvent, OrderItem
from littlelemon.orders.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(customer):
    """A customer with a finished order (2 lines), a booking past and one to come, a cart line."""
    customer.phone = "+1 312 555 0100"
    customer.dietary_requirements, customer.allergens_avoided = ["vegetarian"], ["milk", "peanuts"]
    customer.save()
    order = OrderFactory(customer=customer, status="delivered", items=2, notes="Ring twice", guest_phone="555 0199")
    OrderEvent.objects.create(order=order, kind="status", to_status="delivered", at=NOW - timedelta(days=3))
    past = BookingFactory(customer=customer, start=NOW - timedelta(days=2), guest_phone="555 0100", notes="Window")
    future = BookingFactory(customer=customer, start=NOW + timedelta(days=2), guest_phone="555 0100", notes="Cake")
    CartLineFactory(user=customer)
    return {"order": order, "past": past, "future": future}


def snapshot(customer):
    """What a refused deletion must leave as it was."""
    user = User.objects.get(pk=customer.pk)
    return (
        user.username,
        user.email,
        user.is_active,
        user.password,
        list(Order.objects.filter(customer=customer).values_list("delivery_address", "notes", "status")),
        list(Booking.objects.filter(customer=customer).values_list("status", "guest_phone", "notes")),
        CartLine.objects.filter(user=customer).count(),
    )


class TestExport:
    def test_the_file_holds_the_account_orders_and_bookings(self, client, customer, history):
        client.force_login(customer)
        response = client.get(reverse("web:account_export"))

        assert response["Content-Type"] == "application/json"
        assert response["Content-Disposition"].startswith('attachment; filename="little-lemon-data-')
        data = json.loads(response.content)
        assert data["account"]["username"] == customer.username
        assert data["account"]["email"] == customer.email
        assert data["account"]["phone"] == "+1 312 555 0100"
        assert (data["account"]["dietary_requirements"], data["account"]["allergens_avoided"]) == (
            ["vegetarian"],
            ["milk", "peanuts"],
        )
        (order,) = data["orders"]
        assert order["id"] == history["order"].pk
        assert order["delivery_address"] == "1 Lemon Street, Chicago" and order["notes"] == "Ring twice"
        assert order["total"] == "27.50"
        assert [item["quantity"] for item in order["items"]] == [1, 1]
        assert "delivered" in [step["status"] for step in order["timeline"]]
        assert [booking["id"] for booking in data["bookings"]] == [history["past"].pk, history["future"].pk]
        assert data["bookings"][1]["notes"] == "Cake"

    def test_only_their_own(self, client, customer, other_customer, history):
        OrderFactory(customer=other_customer, notes="Someone else's")
        client.force_login(other_customer)
        data = json.loads(client.get(reverse("web:account_export")).content)
        assert [order["notes"] for order in data["orders"]] == ["Someone else's"]
        assert data["bookings"] == []

    def test_the_api_gives_the_same(self, customer, history):
        response = api_client_for(customer).get("/api/v1/auth/users/me/export/")
        assert response.status_code == 200
        assert response.json()["orders"][0]["id"] == history["order"].pk
        assert api_client_for(None).get("/api/v1/auth/users/me/export/").status_code == 401

    @pytest.mark.parametrize("size", [1, 4])
    def test_four_queries_whatever_the_history(self, customer, size, django_assert_num_queries):
        for _ in range(size):
            OrderFactory(customer=customer, items=2)
            BookingFactory(customer=customer)
        with django_assert_num_queries(4):  # orders, their items, their events, bookings with tables
            privacy.customer_data_export(user=customer)

    def test_anonymous_goes_to_log_in(self, client):
        assert client.get(reverse("web:account_export")).url.startswith(reverse("web:login"))


class TestDelete:
    def test_the_account_is_anonymised_and_the_orders_stay_without_personal_details(
        self, client, customer, history, freeze
    ):
        freeze(NOW)
        client.force_login(customer)

        response = client.post(reverse("web:account_delete"), {"password": PASSWORD})

        assert response.url == reverse("web:home")
        user = User.objects.get(pk=customer.pk)
        assert user.username == f"deleted-{customer.pk}"
        assert (user.email, user.first_name, user.last_name, user.phone) == ("", "", "", "")
        assert (user.dietary_requirements, user.allergens_avoided) == (None, None)
        assert not user.is_active and not user.has_usable_password()
        order = Order.objects.get(pk=history["order"].pk)
        assert order.customer_id == customer.pk and order.total == history["order"].total
        assert (order.delivery_address, order.notes, order.guest_phone) == ("[removed]", "", "")
        assert OrderItem.objects.filter(order=order).count() == 2
        past = Booking.objects.get(pk=history["past"].pk)
        future = Booking.objects.get(pk=history["future"].pk)
        assert (past.status, past.guest_phone, past.notes) == ("confirmed", "", "")
        assert (future.status, future.guest_phone, future.notes) == ("cancelled", "", "")
        assert OutboxEvent.objects.filter(type="booking.cancelled", aggregate_id=str(future.pk)).exists()
        assert not CartLine.objects.filter(user=customer).exists()
        assert "_auth_user_id" not in client.session
        client.post(reverse("web:login"), {"username": customer.username, "password": PASSWORD})
        assert "_auth_user_id" not in client.session  # the old name and password lead nowhere
        entry = AuditEntry.objects.get(action="account.delete")
        assert entry.object_id == str(customer.pk) and entry.changes["bookings_cancelled"]["after"] == 1

    def test_a_wrong_password_changes_nothing(self, client, customer, history):
        before = snapshot(customer)
        client.force_login(customer)

        response = client.post(reverse("web:account_delete"), {"password": "not it"})

        assert response.status_code == 400
        assert "That is not the account&#x27;s password." in response.content.decode()
        assert snapshot(customer) == before

    def test_an_order_under_way_is_refused_and_nothing_changes(self, client, customer, history):
        open_order = OrderFactory(customer=customer, status="preparing")
        before = snapshot(customer)
        client.force_login(customer)

        response = client.post(reverse("web:account_delete"), {"password": PASSWORD})

        assert response.status_code == 400
        assert f"#{open_order.pk}" in response.content.decode()
        assert snapshot(customer) == before

    def test_a_staff_account_is_refused(self, kitchen_user):
        with pytest.raises(privacy.NotACustomer):
            privacy.account_delete(actor=kitchen_user, user=kitchen_user, password=PASSWORD)
        assert User.objects.get(pk=kitchen_user.pk).is_active

    def test_a_customer_cannot_delete_someone_else(self, customer, other_customer):
        with pytest.raises(privacy.PermissionDenied):
            privacy.account_delete(actor=customer, user=other_customer)
        assert User.objects.get(pk=other_customer.pk).is_active

    def test_through_the_api(self, customer, history, freeze):
        freeze(NOW)
        client = api_client_for(customer)

        wrong = client.post("/api/v1/auth/users/me/delete/", {"password": "nope"}, format="json")
        assert wrong.status_code == 400 and wrong.json()["code"] == "wrong_password"
        assert User.objects.get(pk=customer.pk).is_active

        response = client.post("/api/v1/auth/users/me/delete/", {"password": PASSWORD}, format="json")

        assert response.status_code == 204
        assert User.objects.get(pk=customer.pk).username == f"deleted-{customer.pk}"
        assert client.get("/api/v1/auth/users/me/").status_code == 401  # the token's user is inactive

    def test_the_api_refuses_an_open_order_with_a_409(self, customer):
        OrderFactory(customer=customer, status="placed")
        response = api_client_for(customer).post("/api/v1/auth/users/me/delete/", {"password": PASSWORD}, format="json")
        assert response.status_code == 409 and response.json()["code"] == "open_orders"
        assert User.objects.get(pk=customer.pk).is_active


def test_the_account_page_links_to_both(client, customer):
    client.force_login(customer)
    html = client.get(reverse("web:account")).content.decode()
    assert reverse("web:account_export") in html and reverse("web:account_delete") in html


def test_staff_see_no_delete_link(client):
    client.force_login(user_with_role("kitchen"))
    html = client.get(reverse("web:account")).content.decode()
    assert reverse("web:account_delete") not in html and reverse("web:two_factor") in html
