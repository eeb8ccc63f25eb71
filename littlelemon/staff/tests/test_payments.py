"""The board's money: a manager's refund from the order page, the cash each driver hands in.
Managers and admins only (a permission matrix per page and action)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.orders import transitions
from littlelemon.orders.tests.factories import OrderFactory
from littlelemon.payments.models import Payment, Refund

from ...web.tests.htmltext import text

pytestmark = pytest.mark.django_db

ROLES = {
    "customer": lambda: UserFactory(),
    "kitchen": lambda: UserFactory(roles=["kitchen"]),
    "crew": lambda: UserFactory(roles=["delivery-crew"]),
    "manager": lambda: UserFactory(roles=["manager"]),
    "admin": lambda: UserFactory(is_superuser=True),
}


@pytest.fixture
def delivered(crew_user):
    """A cash order of 27.50 the driver delivered: its money is in the driver's hands."""
    order = OrderFactory(status="out_for_delivery", delivery_crew=crew_user, payment_method="cash", items=2)
    transitions.order_status_change(order=order, actor=crew_user, status="delivered")
    return order


@pytest.mark.parametrize(
    ("role", "expected"),
    [(None, 302), ("customer", 403), ("kitchen", 403), ("crew", 403), ("manager", 302), ("admin", 302)],
)
def test_who_may_refund(client, delivered, role, expected):
    if role:
        client.force_login(ROLES[role]())
    response = client.post(
        reverse("staff:order_refund", args=[delivered.pk]), {"amount": "1.00", "order_item": "", "reason": "Cold"}
    )
    assert response.status_code == expected
    if role in (None, "customer", "kitchen", "crew"):
        assert not Refund.objects.exists()
        if role is None:
            assert response["Location"].startswith("/account/login/") or "login" in response["Location"]
    else:
        assert response["Location"] == reverse("staff:order_detail", args=[delivered.pk])
        assert Refund.objects.get().amount == Decimal("1.00")


@pytest.mark.parametrize(
    ("role", "expected"),
    [(None, 302), ("customer", 403), ("kitchen", 403), ("crew", 403), ("manager", 200), ("admin", 200)],
)
def test_who_sees_the_cash_page(client, delivered, role, expected):
    if role:
        client.force_login(ROLES[role]())
    assert client.get(reverse("staff:orders_cash")).status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [(None, 302), ("customer", 403), ("kitchen", 403), ("crew", 403), ("manager", 302), ("admin", 302)],
)
def test_who_receives_cash(client, delivered, crew_user, role, expected):
    if role:
        client.force_login(ROLES[role]())
    response = client.post(reverse("staff:orders_cash_received", args=[crew_user.pk]))
    assert response.status_code == expected
    handed_in = Payment.objects.get().handed_in_at is not None
    assert handed_in == (role in ("manager", "admin"))


def test_the_order_page_shows_payments_and_refunds_a_line(client, manager, delivered):
    client.force_login(manager)
    page = client.get(reverse("staff:order_detail", args=[delivered.pk])).content.decode()
    assert "collected by" in page and f'action="/staff/orders/{delivered.pk}/refund/"' in page
    line = delivered.items.first()
    client.post(
        reverse("staff:order_refund", args=[delivered.pk]), {"order_item": line.pk, "amount": "", "reason": "Wrong"}
    )
    refund = Refund.objects.get()
    assert (refund.amount, refund.order_item, refund.actor, refund.reason) == (line.price, line, manager, "Wrong")
    page = client.get(reverse("staff:order_detail", args=[delivered.pk])).content.decode()
    assert "Wrong" in page


def test_too_much_is_refused_next_to_the_amount_and_nothing_changes(client, manager, delivered):
    client.force_login(manager)
    response = client.post(
        reverse("staff:order_refund", args=[delivered.pk]), {"amount": "1000.00", "order_item": "", "reason": "Oops"}
    )
    assert response.status_code == 400
    assert text(response.content, id="amount-error") == f"At most ${delivered.total} is left to refund."
    no_reason = client.post(reverse("staff:order_refund", args=[delivered.pk]), {"amount": "1", "reason": ""})
    assert text(no_reason.content, id="reason-error") == "This field is required."
    assert not Refund.objects.exists()
    assert Payment.objects.get().amount_refunded == 0


def test_the_cash_page_lists_each_driver_and_receiving_clears_it(client, manager, delivered, crew_user):
    client.force_login(manager)
    page = client.get(reverse("staff:orders_cash")).content.decode()
    assert f"${delivered.total}" in page
    client.post(reverse("staff:orders_cash_received", args=[crew_user.pk]))
    assert "No driver holds any cash." in client.get(reverse("staff:orders_cash")).content.decode()
