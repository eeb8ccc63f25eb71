"""The manager's estimate on accepting: given through the status API, kept on the order, put in
the outbox event, shown in the API and on the customer's order page. Bad input changes nothing."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from littlelemon.audit.models import AuditEntry
from littlelemon.events.models import OutboxEvent
from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.exceptions import TransitionForbidden
from littlelemon.orders.models import Order, OrderEvent
from littlelemon.orders.transitions import order_status_change

from .factories import OrderFactory

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/orders/"
NOW = datetime(2026, 6, 1, 17, 0, tzinfo=UTC)  # 12:00 in Chicago
ONLY_ON_ACCEPT = "An estimated time is given only when accepting an order."


def iso(moment) -> str:
    return timezone.localtime(moment).isoformat()


class TestAcceptWithAnEstimate:
    def test_the_estimate_is_kept_in_the_event_and_shown(self, client_as, manager, freeze):
        freeze(NOW)
        order = OrderFactory(status="placed")

        response = client_as(manager).post(
            f"{ORDERS}{order.pk}/status/", {"status": "accepted", "estimated_minutes": 35, "note": "Busy night"}
        )

        assert response.status_code == 200
        expected = NOW + timedelta(minutes=35)
        assert response.json()["status"] == "accepted"
        assert response.json()["estimated_ready_at"] == iso(expected)
        order.refresh_from_db()
        assert (order.status, order.estimated_ready_at) == ("accepted", expected)
        event = OutboxEvent.objects.get(type="order.status_changed")
        assert event.payload["estimated_ready_at"] == expected.isoformat().replace("+00:00", "Z")
        assert event.payload["to_status"] == "accepted"
        entry = AuditEntry.objects.get(action="order.status_change")
        assert entry.changes["estimated_ready_at"] == {"before": None, "after": expected.isoformat()}

    def test_the_customer_reads_it_in_the_api(self, client_as, customer, manager, freeze):
        freeze(NOW)
        order = OrderFactory(customer=customer)
        order_status_change(order=order, actor=manager, status="accepted", estimated_minutes=20)

        body = client_as(customer).get(f"{ORDERS}{order.pk}/").json()

        assert body["estimated_ready_at"] == iso(NOW + timedelta(minutes=20))

    def test_accepting_without_an_estimate_still_works(self, client_as, manager):
        order = OrderFactory(status="placed")

        response = client_as(manager).post(f"{ORDERS}{order.pk}/status/", {"status": "accepted"})

        assert response.status_code == 200
        assert response.json()["estimated_ready_at"] is None
        assert OutboxEvent.objects.get(type="order.status_changed").payload["estimated_ready_at"] is None

    @pytest.mark.parametrize(
        ("payload", "message"),
        [
            ({"status": "accepted", "estimated_minutes": 0}, "Ensure this value is greater than or equal to 1."),
            ({"status": "accepted", "estimated_minutes": 241}, "Ensure this value is less than or equal to 240."),
            ({"status": "accepted", "estimated_minutes": "soon"}, "A valid integer is required."),
            ({"status": "accepted", "estimated_minutes": 2.5}, "A valid integer is required."),
            ({"status": "rejected", "estimated_minutes": 30}, ONLY_ON_ACCEPT),
        ],
    )
    def test_bad_estimates_are_a_400_that_change_nothing(self, client_as, manager, payload, message):
        order = OrderFactory(status="placed")

        response = client_as(manager).post(f"{ORDERS}{order.pk}/status/", payload)

        assert response.status_code == 400
        body = response.json()
        assert body["fields"]["estimated_minutes"] == [message]
        order.refresh_from_db()
        assert (order.status, order.estimated_ready_at) == ("placed", None)
        assert not OutboxEvent.objects.exists()
        assert list(OrderEvent.objects.filter(order=order).values_list("kind", flat=True)) == ["placed"]

    def test_the_service_refuses_an_estimate_out_of_range(self, manager):
        order = OrderFactory(status="placed")

        with pytest.raises(Exception, match="1 to 240 minutes") as raised:
            order_status_change(order=order, actor=manager, status="accepted", estimated_minutes=500)

        assert raised.value.code == "invalid"
        assert Order.objects.get(pk=order.pk).status == "placed"

    def test_the_customers_order_page_shows_it(self, client, customer, manager, freeze):
        freeze(NOW)
        order = OrderFactory(customer=customer, fulfilment="pickup")
        order_status_change(order=order, actor=manager, status="accepted", estimated_minutes=25)
        client.force_login(customer)

        page = client.get(f"/orders/{order.pk}/").content.decode()

        # 12:25 in Chicago, today for the frozen clock.
        assert "Ready to collect around" in page
        when = timezone.localtime(NOW + timedelta(minutes=25)).isoformat()
        assert f'<time datetime="{when}">today at 12:25 p.m.</time>' in page


class TestTheSystemActor:
    def test_the_system_may_reject_a_placed_order_and_nothing_else(self):
        order = OrderFactory(status="placed")

        with pytest.raises(TransitionForbidden):
            order_status_change(order=order, actor=None, status=OrderStatus.ACCEPTED)
        order_status_change(order=order, actor=None, status=OrderStatus.REJECTED, note="Nobody answered.")

        order.refresh_from_db()
        assert (order.status, order.payment_status) == ("rejected", "void")
        event = OrderEvent.objects.get(order=order, kind="status_changed")
        assert (event.actor_id, event.note) == (None, "Nobody answered.")
        assert OutboxEvent.objects.get(type="order.status_changed").payload["actor_id"] is None

    def test_people_are_not_told_the_system_may(self, client_as, customer):
        order = OrderFactory(customer=customer, status="placed")

        response = client_as(customer).post(f"{ORDERS}{order.pk}/status/", {"status": "rejected"})

        assert response.status_code == 403
        assert response.json()["detail"] == "Only a manager may reject an order that is placed."
