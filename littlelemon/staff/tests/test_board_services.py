"""The board's services: pausing online orders (and placement refused while paused, through the
API and the web checkout, with nothing written), extending estimates, assigning the least busy
driver."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import api_client_for, user_with_role
from littlelemon.audit.models import AuditEntry
from littlelemon.cart.models import CartLine
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.core.exceptions import InvalidInput, PermissionDenied
from littlelemon.events.models import OutboxEvent
from littlelemon.menu.tests.factories import MenuItemFactory
from littlelemon.orders import operations, placement
from littlelemon.orders.enums import EventKind, OrderStatus
from littlelemon.orders.exceptions import AssignmentClosed, NoDeliveryCrewAvailable, NotADelivery, OrdersPaused
from littlelemon.orders.models import Order, OrderEvent, OrderItem
from littlelemon.orders.tests.factories import OrderFactory
from littlelemon.restaurant import services as restaurant_services
from littlelemon.restaurant.models import ORDERS_PAUSED_MESSAGE
from littlelemon.restaurant.selectors import restaurant_settings_get

pytestmark = pytest.mark.django_db


def nothing_placed() -> bool:
    return not (Order.objects.exists() or OrderItem.objects.exists() or OrderEvent.objects.exists()) and not (
        OutboxEvent.objects.filter(type="order.placed").exists()
    )


@pytest.fixture
def cart(customer):
    CartLineFactory(user=customer, menuitem=MenuItemFactory(title="Moussaka", price=Decimal("18.50")), quantity=2)
    return customer


class TestPause:
    def test_a_manager_pauses_with_a_message_and_resumes(self, manager):
        settings = restaurant_services.orders_pause(actor=manager, message="  Kitchen\n full, back at 8  ")

        assert (settings.orders_paused, settings.orders_paused_message) == (True, "Kitchen full, back at 8")
        assert restaurant_settings_get().orders_paused
        entry = AuditEntry.objects.get(action="restaurant_settings.update")
        assert entry.changes["orders_paused"] == {"before": False, "after": True}

        settings = restaurant_services.orders_resume(actor=manager)

        assert not settings.orders_paused
        assert settings.orders_paused_message == "Kitchen full, back at 8"  # kept for next time
        assert AuditEntry.objects.filter(action="restaurant_settings.update").count() == 2

    def test_a_blank_message_is_the_default_one(self, manager):
        assert restaurant_services.orders_pause(actor=manager, message="   ").orders_paused_message == (
            ORDERS_PAUSED_MESSAGE
        )

    def test_an_overlong_message_is_refused(self, manager):
        with pytest.raises(InvalidInput):
            restaurant_services.orders_pause(actor=manager, message="x" * 301)
        assert not restaurant_settings_get().orders_paused

    @pytest.mark.parametrize("role", ["customer", "kitchen", "delivery-crew"])
    def test_only_managers_pause_or_resume(self, role):
        user = user_with_role(role)
        with pytest.raises(PermissionDenied):
            restaurant_services.orders_pause(actor=user, message="no")
        with pytest.raises(PermissionDenied):
            restaurant_services.orders_resume(actor=user)
        assert not restaurant_settings_get().orders_paused
        assert not AuditEntry.objects.exists()

    def test_an_admin_may(self, admin_user):
        assert restaurant_services.orders_pause(actor=admin_user).orders_paused


class TestPlacingWhilePaused:
    def test_the_service_refuses_with_the_managers_message(self, manager, cart):
        restaurant_services.orders_pause(actor=manager, message="Back at 8 pm")

        with pytest.raises(OrdersPaused) as refused:
            placement.order_place(customer=cart, fulfilment="pickup")

        assert refused.value.message == "Back at 8 pm"
        assert refused.value.code == "orders_paused"
        assert nothing_placed()
        assert CartLine.objects.filter(user=cart).count() == 1

    def test_the_api_answers_409_orders_paused(self, manager, cart):
        restaurant_services.orders_pause(actor=manager, message="Back at 8 pm")

        response = api_client_for(cart).post("/api/v1/orders/", {"fulfilment": "pickup"})

        assert response.status_code == 409
        assert response.json()["code"] == "orders_paused"
        assert response.json()["detail"] == "Back at 8 pm"
        assert nothing_placed()

    def test_the_settings_endpoint_shows_it_read_only(self, manager):
        restaurant_services.orders_pause(actor=manager, message="Back at 8 pm")

        body = api_client_for().get("/api/v1/settings/").json()
        assert (body["orders_paused"], body["orders_paused_message"]) == (True, "Back at 8 pm")

        response = api_client_for(manager).patch(
            "/api/v1/settings/", {"orders_paused": False, "orders_paused_message": "x"}, format="json"
        )
        assert response.status_code == 200
        assert restaurant_settings_get().orders_paused  # read-only there: the board switches it

    def test_the_web_checkout_shows_the_message_and_places_nothing(self, client, manager, cart):
        restaurant_services.orders_pause(actor=manager, message="Back at <b>8</b> pm")
        client.force_login(cart)

        form = {
            "fulfilment": "pickup",
            "delivery_address": "",
            "when": "asap",
            "scheduled_for": "",
            "tip": "0",
            "payment_method": "cash",
            "notes": "",
            "idempotency_key": uuid.uuid4().hex,
        }
        response = client.post(reverse("web:checkout"), form)

        assert response.status_code == 200
        html = response.content.decode()
        assert html.count("Back at &lt;b&gt;8&lt;/b&gt; pm") == 2  # the banner and the form's error
        assert "<b>8</b>" not in html
        assert nothing_placed()

    @pytest.mark.parametrize("name", ["web:menu", "web:cart", "web:checkout"])
    def test_the_customer_pages_show_a_banner(self, client, manager, cart, name):
        client.force_login(cart)
        assert 'id="orders-paused"' not in client.get(reverse(name)).content.decode()

        restaurant_services.orders_pause(actor=manager, message="Back at 8 pm")

        html = client.get(reverse(name)).content.decode()
        assert 'id="orders-paused"' in html and "Back at 8 pm" in html

    def test_a_retry_of_an_order_placed_before_the_pause_returns_it(self, manager, cart):
        order, _ = placement.order_place(customer=cart, fulfilment="pickup", idempotency_key="k-1")
        restaurant_services.orders_pause(actor=manager)

        again, created = placement.order_place(customer=cart, fulfilment="pickup", idempotency_key="k-1")

        assert (again.pk, created) == (order.pk, False)
        assert Order.objects.count() == 1

    def test_resuming_takes_orders_again(self, manager, cart):
        restaurant_services.orders_pause(actor=manager)
        restaurant_services.orders_resume(actor=manager)

        order, created = placement.order_place(customer=cart, fulfilment="pickup")

        assert created and order.status == OrderStatus.PLACED


class TestExtendEstimates:
    def test_adds_minutes_to_every_open_order_with_an_estimate(self, manager):
        base = timezone.now().replace(microsecond=0) + timedelta(minutes=20)
        open_orders = [
            OrderFactory(status=status, estimated_ready_at=base)
            for status in (OrderStatus.ACCEPTED, OrderStatus.PREPARING, OrderStatus.READY)
        ]
        untouched = [
            OrderFactory(status=OrderStatus.PLACED),
            OrderFactory(status=OrderStatus.ACCEPTED, estimated_ready_at=None),
            OrderFactory(status=OrderStatus.OUT_FOR_DELIVERY, estimated_ready_at=base),
            OrderFactory(status=OrderStatus.DELIVERED, estimated_ready_at=base),
            OrderFactory(status=OrderStatus.CANCELLED, estimated_ready_at=base),
        ]

        changed = operations.order_estimates_extend(actor=manager, minutes=15)

        assert [order.pk for order in changed] == [order.pk for order in open_orders]
        for order in open_orders:
            order.refresh_from_db()
            assert order.estimated_ready_at == base + timedelta(minutes=15)
            event = order.events.get(kind=EventKind.ESTIMATE_CHANGED)
            assert (event.note, event.actor, event.to_status) == (
                "Estimate extended by 15 minutes.",
                manager,
                order.status,
            )
            outbox = OutboxEvent.objects.get(type="order.estimate_changed", aggregate_id=order.pk)
            assert outbox.payload["order_id"] == order.pk
            assert outbox.payload["customer_id"] == order.customer_id
            assert outbox.payload["status"] == order.status
            assert "delivery_crew_id" in outbox.payload
            assert outbox.payload["estimated_ready_at"] is not None
        for order in untouched:
            before = order.estimated_ready_at
            order.refresh_from_db()
            assert order.estimated_ready_at == before
            assert not order.events.filter(kind=EventKind.ESTIMATE_CHANGED).exists()
        assert AuditEntry.objects.filter(action="order.estimate_extend").count() == 3

    @pytest.mark.parametrize("minutes", [0, 121, -5, "15", 2.5, True, None])
    def test_minutes_are_1_to_120(self, manager, minutes):
        order = OrderFactory(status=OrderStatus.ACCEPTED, estimated_ready_at=timezone.now())

        with pytest.raises(InvalidInput):
            operations.order_estimates_extend(actor=manager, minutes=minutes)

        assert not OrderEvent.objects.filter(order=order, kind=EventKind.ESTIMATE_CHANGED).exists()

    @pytest.mark.parametrize("role", ["customer", "kitchen", "delivery-crew"])
    def test_refused_for_others(self, role):
        before = timezone.now().replace(microsecond=0)
        order = OrderFactory(status=OrderStatus.ACCEPTED, estimated_ready_at=before)

        with pytest.raises(PermissionDenied):
            operations.order_estimates_extend(actor=user_with_role(role), minutes=10)

        order.refresh_from_db()
        assert order.estimated_ready_at == before
        assert not OutboxEvent.objects.filter(type="order.estimate_changed").exists()

    def test_the_customer_sees_the_new_time(self, client, manager):
        order = OrderFactory(status=OrderStatus.ACCEPTED, estimated_ready_at=timezone.now() + timedelta(minutes=5))
        operations.order_estimates_extend(actor=manager, minutes=30)
        order.refresh_from_db()
        client.force_login(order.customer)

        html = client.get(reverse("web:order", args=[order.pk])).content.decode()

        assert f'datetime="{timezone.localtime(order.estimated_ready_at).isoformat()}"' in html


class TestLeastBusy:
    def make_driver(self, first_name: str, load: int):
        driver = user_with_role("delivery-crew", first_name=first_name, last_name="Driver")
        for _ in range(load):
            OrderFactory(status=OrderStatus.PREPARING, delivery_crew=driver)
        OrderFactory(status=OrderStatus.DELIVERED, delivery_crew=driver)  # finished: not counted
        return driver

    def test_picks_the_driver_with_the_fewest_open_deliveries(self, manager):
        self.make_driver("Ann", 2)
        bob = self.make_driver("Bob", 1)
        self.make_driver("Cid", 3)
        order = OrderFactory(status=OrderStatus.ACCEPTED)

        assigned = operations.order_assign_least_busy(order=order, actor=manager)

        assert assigned.delivery_crew == bob
        order.refresh_from_db()
        assert order.delivery_crew == bob
        assert OutboxEvent.objects.filter(type="order.assigned", aggregate_id=order.pk).exists()
        assert order.events.filter(kind=EventKind.ASSIGNED).exists()

    def test_ties_go_by_name_then_pk(self, manager):
        self.make_driver("Zoe", 1)
        ann = self.make_driver("Ann", 1)

        order = OrderFactory(status=OrderStatus.PLACED)
        assert operations.order_assign_least_busy(order=order, actor=manager).delivery_crew == ann

    def test_the_order_itself_does_not_count_against_its_driver(self, manager):
        ann = self.make_driver("Ann", 0)
        self.make_driver("Bob", 0)
        order = OrderFactory(status=OrderStatus.ACCEPTED, delivery_crew=ann)

        assert operations.order_assign_least_busy(order=order, actor=manager).delivery_crew == ann
        assert not OutboxEvent.objects.filter(type="order.assigned").exists()  # nothing changed

    def test_inactive_drivers_and_other_roles_are_not_chosen(self, manager):
        idle = self.make_driver("Ann", 0)
        idle.is_active = False
        idle.save()
        user_with_role("kitchen", first_name="Aaron")
        bob = self.make_driver("Bob", 2)

        order = OrderFactory(status=OrderStatus.ACCEPTED)
        assert operations.order_assign_least_busy(order=order, actor=manager).delivery_crew == bob

    def test_no_drivers_is_a_clear_error(self, manager):
        order = OrderFactory(status=OrderStatus.ACCEPTED)

        with pytest.raises(NoDeliveryCrewAvailable) as refused:
            operations.order_assign_least_busy(order=order, actor=manager)

        assert refused.value.http_status == 409
        assert "no active delivery crew" in refused.value.message
        order.refresh_from_db()
        assert order.delivery_crew is None

    def test_the_rules_of_order_assign_hold(self, manager):
        self.make_driver("Ann", 0)
        with pytest.raises(NotADelivery):
            operations.order_assign_least_busy(order=OrderFactory(fulfilment="pickup"), actor=manager)
        with pytest.raises(AssignmentClosed):
            operations.order_assign_least_busy(order=OrderFactory(status=OrderStatus.DELIVERED), actor=manager)

    @pytest.mark.parametrize("role", ["customer", "kitchen", "delivery-crew"])
    def test_refused_for_others(self, role):
        self.make_driver("Ann", 0)
        order = OrderFactory(status=OrderStatus.ACCEPTED)

        with pytest.raises(PermissionDenied):
            operations.order_assign_least_busy(order=order, actor=user_with_role(role))

        order.refresh_from_db()
        assert order.delivery_crew is None
