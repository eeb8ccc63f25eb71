"""An integration's API key on orders: with orders:write it takes a manager's steps (and no
others), and the order's timeline, the audit trail and the outbox name the key, never a user."""

import pytest

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.apikeys.scopes import ORDERS_READ, ORDERS_WRITE
from littlelemon.apikeys.tests.factories import issue_key, key_client
from littlelemon.audit.models import AuditEntry
from littlelemon.events.models import OutboxEvent
from littlelemon.orders.models import Order, OrderEvent

from .factories import OrderFactory

pytestmark = pytest.mark.django_db


def state(order: Order) -> tuple:
    order.refresh_from_db()
    return order.status, order.delivery_crew_id, order.payment_status, OrderEvent.objects.filter(order=order).count()


def test_orders_write_accepts_an_order_and_the_timeline_names_the_key():
    api_key, key = issue_key([ORDERS_WRITE], name="Aggregator")
    order = OrderFactory(status="placed")

    response = key_client(key).post(f"/api/v1/orders/{order.pk}/status/", {"status": "accepted"}, format="json")

    assert response.status_code == 200
    assert response.data["status"] == "accepted"
    assert response.data["allowed_transitions"] == ["preparing", "cancelled"]
    order.refresh_from_db()
    assert order.status == "accepted"
    event = OrderEvent.objects.get(order=order, to_status="accepted")
    assert (event.actor_id, event.api_key_id, event.from_status) == (None, api_key.pk, "placed")
    audit = AuditEntry.objects.get(action="order.status_change", object_id=str(order.pk))
    assert (audit.actor_id, audit.actor_name) == (None, f"api-key:Aggregator ({api_key.prefix})")
    outbox = OutboxEvent.objects.get(type="order.status_changed", aggregate_id=order.pk)
    assert (outbox.payload["actor_id"], outbox.payload["api_key_id"]) == (None, api_key.pk)

    timeline = key_client(key).get(f"/api/v1/orders/{order.pk}/events/").data
    assert timeline[-1]["integration"] == "Aggregator"
    assert timeline[-1]["actor"] is None


@pytest.mark.parametrize(
    ("status", "to", "fulfilment"),
    [
        ("placed", "rejected", "delivery"),
        ("placed", "cancelled", "delivery"),
        ("accepted", "preparing", "delivery"),
        ("preparing", "ready", "delivery"),
        ("ready", "collected", "pickup"),
        ("ready", "cancelled", "delivery"),
    ],
)
def test_orders_write_takes_every_step_a_manager_may(status, to, fulfilment):
    _, key = issue_key([ORDERS_WRITE])
    order = OrderFactory(status=status, fulfilment=fulfilment)

    response = key_client(key).post(f"/api/v1/orders/{order.pk}/status/", {"status": to}, format="json")

    assert response.status_code == 200, response.data
    order.refresh_from_db()
    assert order.status == to


def test_orders_write_sends_out_and_delivers_as_a_manager_may():
    _, key = issue_key([ORDERS_WRITE])
    order = OrderFactory(status="ready", delivery_crew=UserFactory(roles=["delivery-crew"]))
    client = key_client(key)

    assert client.post(f"/api/v1/orders/{order.pk}/status/", {"status": "out_for_delivery"}).status_code == 200
    assert client.post(f"/api/v1/orders/{order.pk}/status/", {"status": "delivered"}).status_code == 200
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("delivered", "paid")


@pytest.mark.parametrize(
    ("status", "to", "expected"),
    [
        ("placed", "delivered", 409),  # no such step
        ("delivered", "cancelled", 409),  # finished
        ("out_for_delivery", "cancelled", 409),  # a manager cannot either
        ("placed", "nonsense", 400),
    ],
)
def test_orders_write_cannot_take_a_step_a_manager_cannot(status, to, expected):
    _, key = issue_key([ORDERS_WRITE])
    order = OrderFactory(status=status, delivery_crew=UserFactory(roles=["delivery-crew"]))
    before = state(order)

    response = key_client(key).post(f"/api/v1/orders/{order.pk}/status/", {"status": to}, format="json")

    assert response.status_code == expected
    assert state(order) == before
    assert not AuditEntry.objects.exists()


def test_orders_write_cannot_send_out_an_order_without_a_driver():
    _, key = issue_key([ORDERS_WRITE])
    order = OrderFactory(status="ready")
    before = state(order)

    response = key_client(key).post(f"/api/v1/orders/{order.pk}/status/", {"status": "out_for_delivery"})

    assert response.status_code == 409
    assert response.data["code"] == "delivery_crew_required"
    assert state(order) == before


def test_orders_write_assigns_delivery_crew_and_the_timeline_names_the_key():
    api_key, key = issue_key([ORDERS_WRITE])
    order = OrderFactory(status="accepted")
    driver = UserFactory(roles=["delivery-crew"], first_name="Dee")

    response = key_client(key).post(f"/api/v1/orders/{order.pk}/assign/", {"delivery_crew": driver.pk}, format="json")

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.delivery_crew_id == driver.pk
    event = OrderEvent.objects.get(order=order, kind="assigned")
    assert (event.actor_id, event.api_key_id) == (None, api_key.pk)
    assert AuditEntry.objects.get(action="order.assign").actor_name.startswith("api-key:")


def test_orders_read_sees_every_order_but_moves_none():
    _, key = issue_key([ORDERS_READ])
    orders = [OrderFactory(), OrderFactory(), OrderFactory(status="delivered")]
    client = key_client(key)

    listed = client.get("/api/v1/orders/")
    assert listed.status_code == 200
    assert sorted(order["id"] for order in listed.data["results"]) == sorted(order.pk for order in orders)
    assert all(order["allowed_transitions"] == [] for order in listed.data["results"])

    before = state(orders[0])
    refused = client.post(f"/api/v1/orders/{orders[0].pk}/status/", {"status": "accepted"}, format="json")
    assert refused.status_code == 403
    assert refused.data["code"] == "api_key_scope"
    assert state(orders[0]) == before


def test_a_key_never_places_an_order_nor_has_a_cart():
    from littlelemon.apikeys.scopes import SCOPES

    _, key = issue_key(list(SCOPES))
    client = key_client(key)

    assert client.post("/api/v1/orders/", {"fulfilment": "pickup"}, format="json").status_code == 403
    assert client.get("/api/v1/cart/").status_code == 403
    assert not Order.objects.exists()


def test_each_key_has_its_own_etag_for_what_it_may_do():
    _, reader = issue_key([ORDERS_READ], name="Reader")
    _, writer = issue_key([ORDERS_WRITE], name="Writer")
    OrderFactory(status="placed")

    read = key_client(reader).get("/api/v1/orders/")
    written = key_client(writer).get("/api/v1/orders/", HTTP_IF_NONE_MATCH=read["ETag"])

    assert read["ETag"] != written.get("ETag")
    assert written.status_code == 200
    assert written.data["results"][0]["allowed_transitions"] == ["accepted", "rejected", "cancelled"]
    assert read.data["results"][0]["allowed_transitions"] == []
    assert key_client(reader).get("/api/v1/orders/", HTTP_IF_NONE_MATCH=read["ETag"]).status_code == 304
