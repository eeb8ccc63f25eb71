"""/metrics: refused without the token, and with it the restaurant's numbers, right."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from littlelemon.bookings.tests.factories import BookingFactory
from littlelemon.cart.tests.factories import CartLineFactory
from littlelemon.events.models import Delivery, DeliveryStatus, OutboxEvent
from littlelemon.menu.tests.factories import MenuItemFactory
from littlelemon.orders.models import Order
from littlelemon.restaurant.selectors import restaurant_today, restaurant_tz

pytestmark = pytest.mark.django_db

TOKEN = "a-long-random-metrics-token-0123456789"
METRICS = "/metrics"


@pytest.fixture
def metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(client, token: str = TOKEN) -> dict[tuple[str, tuple], float]:
    """{(sample name, sorted labels): value} from /metrics."""
    response = client.get(METRICS, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def place_order(client_as, customer) -> dict:
    CartLineFactory(user=customer, menuitem=MenuItemFactory(price=Decimal("9.50")), quantity=2)
    response = client_as(customer).post("/api/v1/orders/", {"fulfilment": "pickup"})
    assert response.status_code == 201, response.json()
    return response.json()


class TestAccess:
    def test_without_a_configured_token_there_are_no_metrics(self, api_client, settings):
        settings.METRICS_TOKEN = ""

        assert api_client.get(METRICS).status_code == 404
        assert api_client.get(METRICS, HTTP_AUTHORIZATION="Bearer ").status_code == 404

    @pytest.mark.parametrize(
        "authorization", [None, "", f"Bearer {TOKEN}x", f"bearer {TOKEN}", TOKEN, f"Basic {TOKEN}", "Bearer "]
    )
    def test_anything_but_the_token_is_refused(self, api_client, metrics_token, authorization):
        headers = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}

        response = api_client.get(METRICS, **headers)

        assert response.status_code == 403
        assert b"littlelemon_" not in response.content
        assert response["X-Request-ID"]  # through the whole stack like any request

    def test_switched_off(self, api_client, metrics_token, settings):
        settings.METRICS_ENABLED = False

        assert api_client.get(METRICS, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 404

    def test_only_get(self, api_client, metrics_token):
        assert api_client.post(METRICS, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405


class TestBusinessMetrics:
    def test_an_empty_restaurant_reports_zeros(self, api_client, metrics_token):
        metrics = scrape(api_client)

        assert metrics[("littlelemon_orders", (("status", "placed"),))] == 0
        assert metrics[("littlelemon_orders", (("status", "delivered"),))] == 0
        assert metrics[("littlelemon_open_orders_oldest_age_seconds", (("status", "placed"),))] == 0
        assert metrics[("littlelemon_bookings_today", (("status", "confirmed"),))] == 0
        assert metrics[("littlelemon_outbox_backlog_events", ())] == 0
        assert metrics[("littlelemon_outbox_oldest_age_seconds", ())] == 0
        assert metrics[("littlelemon_outbox_pending_deliveries", ())] == 0
        assert metrics[("littlelemon_outbox_oldest_pending_delivery_age_seconds", ())] == 0
        assert metrics[("littlelemon_outbox_dead_deliveries", ())] == 0

    def test_orders_by_status_ages_and_placement_durations(
        self, api_client, client_as, customer, other_customer, manager, metrics_token
    ):
        before = scrape(api_client)
        first = place_order(client_as, customer)
        place_order(client_as, other_customer)
        accepted = client_as(manager).post(f"/api/v1/orders/{first['id']}/status/", {"status": "accepted"})
        assert accepted.status_code == 200
        # The one still placed has waited ten minutes.
        Order.objects.filter(status="placed").update(created=timezone.now() - timedelta(minutes=10))

        metrics = scrape(api_client)

        orders = {status: metrics[("littlelemon_orders", (("status", status),))] for status in ("placed", "accepted")}
        assert orders == {"placed": 1, "accepted": 1}
        assert metrics[("littlelemon_orders", (("status", "cancelled"),))] == 0
        placed_age = metrics[("littlelemon_open_orders_oldest_age_seconds", (("status", "placed"),))]
        assert 600 <= placed_age < 3600
        assert metrics[("littlelemon_open_orders_oldest_age_seconds", (("status", "ready"),))] == 0
        # Terminal statuses have no "open" age.
        assert ("littlelemon_open_orders_oldest_age_seconds", (("status", "delivered"),)) not in metrics
        count = ("littlelemon_order_placement_seconds_count", (("channel", "api"),))
        assert metrics[count] - before.get(count, 0) == 2
        # The outbox holds the placements' and the acceptance's events, none delivered yet.
        assert metrics[("littlelemon_outbox_backlog_events", ())] == OutboxEvent.objects.count() >= 3
        # django-prometheus' own, counted by its middleware.
        created = (
            "django_http_responses_total_by_status_view_method_total",
            (("method", "POST"), ("status", "201"), ("view", "orders")),
        )
        assert metrics[created] - before.get(created, 0) == 2

    def test_a_refused_placement_is_not_a_placement(self, api_client, client_as, customer, metrics_token):
        count = ("littlelemon_order_placement_seconds_count", (("channel", "api"),))
        before = scrape(api_client).get(count, 0)

        response = client_as(customer).post("/api/v1/orders/", {"fulfilment": "pickup"})  # an empty cart

        assert response.status_code == 400
        assert scrape(api_client).get(count, 0) == before

    def test_bookings_today(self, api_client, metrics_token):
        tz = restaurant_tz()
        today = restaurant_today()
        at = datetime.combine(today, time(12), tzinfo=tz)
        BookingFactory(start=at, party_size=4)
        BookingFactory(start=at + timedelta(hours=2), party_size=2)
        BookingFactory(start=at, party_size=6, status="cancelled")
        BookingFactory(start=at + timedelta(days=1), party_size=3)  # tomorrow
        BookingFactory(start=at - timedelta(days=1), party_size=5)  # yesterday

        metrics = scrape(api_client)

        assert metrics[("littlelemon_bookings_today", (("status", "confirmed"),))] == 2
        assert metrics[("littlelemon_booking_covers_today", (("status", "confirmed"),))] == 6
        assert metrics[("littlelemon_bookings_today", (("status", "cancelled"),))] == 1
        assert metrics[("littlelemon_booking_covers_today", (("status", "cancelled"),))] == 6
        assert metrics[("littlelemon_bookings_today", (("status", "seated"),))] == 0

    def test_deliveries_pending_dead_and_the_oldest_pending_age(self, api_client, metrics_token):
        now = timezone.now()
        event = OutboxEvent.objects.create(type="order.placed", aggregate="order", aggregate_id="1", payload={})
        deliveries = {
            # target: (status, created)
            "email": (DeliveryStatus.PENDING, now - timedelta(minutes=10)),  # retrying, backoff
            "webhook:1": (DeliveryStatus.PENDING, now - timedelta(minutes=2)),
            "webhook:2": (DeliveryStatus.DEAD, now - timedelta(hours=5)),
            "webhook:3": (DeliveryStatus.DELIVERED, now - timedelta(hours=9)),
        }
        for target, (status, created) in deliveries.items():
            delivery = Delivery.objects.create(
                event=event, target=target, aggregate="order:1", status=status, next_attempt_at=now
            )
            Delivery.objects.filter(pk=delivery.pk).update(created=created)  # auto_now_add on create

        metrics = scrape(api_client)

        assert metrics[("littlelemon_outbox_pending_deliveries", ())] == 2
        assert metrics[("littlelemon_outbox_dead_deliveries", ())] == 1
        assert 600 <= metrics[("littlelemon_outbox_oldest_pending_delivery_age_seconds", ())] < 3600

    def test_a_scrape_costs_four_queries_whatever_the_data(
        self, api_client, client_as, customer, metrics_token, django_assert_num_queries
    ):
        place_order(client_as, customer)
        BookingFactory(start=datetime.combine(restaurant_today(), time(13), tzinfo=restaurant_tz()))

        with django_assert_num_queries(4):  # orders by status, today's bookings, events, deliveries
            api_client.get(METRICS, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
