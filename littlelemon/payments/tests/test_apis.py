"""POST /api/v1/orders/{id}/refunds/: managers only (an order the caller may not see is a 404),
never more than what is left."""

from decimal import Decimal

import pytest

from littlelemon.orders import transitions
from littlelemon.orders.tests.factories import OrderFactory
from littlelemon.payments.models import Refund

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(crew_user):
    order = OrderFactory(status="out_for_delivery", delivery_crew=crew_user, payment_method="cash", items=1)
    transitions.order_status_change(order=order, actor=crew_user, status="delivered")
    return order


def url(order) -> str:
    return f"/api/v1/orders/{order.pk}/refunds/"


@pytest.mark.parametrize(
    ("role", "expected"),
    [(None, 401), ("customer", 403), ("kitchen", 403), ("delivery-crew", 404), ("manager", 201), ("admin", 201)],
)
def test_who_may_refund(client_as, client_for_role, delivered, customer, role, expected):
    if role is None:
        client = client_as(None)
    elif role == "customer":
        client = client_as(delivered.customer)
    elif role == "admin":
        from littlelemon.accounts.tests.factories import UserFactory

        client = client_as(UserFactory(is_superuser=True))
    else:
        client, _ = client_for_role(role)
    response = client.post(url(delivered), {"amount": "2.00", "reason": "Late"}, format="json")
    assert response.status_code == expected, response.content
    assert Refund.objects.count() == (1 if expected == 201 else 0)


def test_a_refund_and_one_too_many(client_for_role, delivered):
    client, manager = client_for_role("manager")
    response = client.post(url(delivered), {"amount": "2.00", "reason": "Late"}, format="json")
    assert response.json() | {"id": 0, "refunded_at": None, "created": None} == {
        "id": 0,
        "amount": "2.00",
        "reason": "Late",
        "order_item": None,
        "status": "succeeded",
        "refunded_at": None,
        "created": None,
    }
    too_much = client.post(url(delivered), {"amount": str(delivered.total), "reason": "All"}, format="json")
    assert too_much.status_code == 400
    assert too_much.json()["code"] == "refund_too_large"
    assert Refund.objects.get().amount == Decimal("2.00")
    line = client.post(url(delivered), {"order_item": delivered.items.get().pk, "reason": "Line"}, format="json")
    assert line.status_code == 201 and line.json()["amount"] == str(delivered.items.get().price)
