"""The orders' periodic jobs with a stopped clock, each run twice: the second changes nothing."""

from datetime import UTC, datetime, timedelta

import pytest

from littlelemon.core.periodic import periodic_jobs
from littlelemon.events.models import OutboxEvent
from littlelemon.orders.housekeeping import (
    UNACCEPTED_REASON,
    idempotency_keys_purge,
    orders_reject_unaccepted,
)
from littlelemon.orders.models import OrderEvent
from littlelemon.restaurant.models import RestaurantSettings

from .factories import OrderFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 17, 0, tzinfo=UTC)


def rules_set(**fields):
    RestaurantSettings.objects.update_or_create(pk=1, defaults=fields)


def placed_at(freeze, moment, **fields):
    freeze(moment)
    return OrderFactory(**fields)


class TestRejectUnaccepted:
    @pytest.fixture(autouse=True)
    def _timeouts(self, settings):
        # The environment's values are only the settings row's first values: set them wildly
        # different to show the job reads the row.
        settings.ORDER_ACCEPT_TIMEOUT_MINUTES = 0
        settings.ORDER_SCHEDULED_DUE_MINUTES = 1000
        rules_set(order_accept_timeout_minutes=15, order_scheduled_due_minutes=60)

    def test_an_asap_order_is_rejected_once_its_time_is_up(self, freeze):
        order = placed_at(freeze, NOW)
        late = placed_at(freeze, NOW + timedelta(minutes=1))

        freeze(NOW + timedelta(minutes=14, seconds=59))
        assert orders_reject_unaccepted() == []
        freeze(NOW + timedelta(minutes=15))
        assert orders_reject_unaccepted() == [order.pk]
        assert orders_reject_unaccepted() == []  # twice: nothing more

        order.refresh_from_db()
        late.refresh_from_db()
        assert (order.status, order.payment_status, late.status) == ("rejected", "void", "placed")
        event = OrderEvent.objects.get(order=order, kind="status_changed")
        assert (event.from_status, event.to_status, event.actor_id, event.note) == (
            "placed",
            "rejected",
            None,
            UNACCEPTED_REASON,
        )
        [outbox] = OutboxEvent.objects.filter(type="order.status_changed")
        assert (outbox.payload["to_status"], outbox.payload["note"], outbox.payload["actor_id"]) == (
            "rejected",
            UNACCEPTED_REASON,
            None,
        )

    def test_a_scheduled_order_is_measured_from_when_it_becomes_due(self, freeze):
        # Placed at noon for 7 p.m. (local): due at 6 p.m., rejected at 6:15 p.m.
        order = placed_at(freeze, NOW, scheduled_for=NOW + timedelta(hours=7))

        freeze(NOW + timedelta(hours=6, minutes=14))
        assert orders_reject_unaccepted() == []
        freeze(NOW + timedelta(hours=6, minutes=15))
        assert orders_reject_unaccepted() == [order.pk]
        assert orders_reject_unaccepted() == []

    def test_a_scheduled_order_placed_late_is_due_when_placed(self, freeze):
        order = placed_at(freeze, NOW, scheduled_for=NOW + timedelta(minutes=30))

        freeze(NOW + timedelta(minutes=14))
        assert orders_reject_unaccepted() == []
        freeze(NOW + timedelta(minutes=15))
        assert orders_reject_unaccepted() == [order.pk]

    @pytest.mark.parametrize("status", ["accepted", "preparing", "cancelled", "rejected", "delivered"])
    def test_orders_past_placed_are_left_alone(self, freeze, status):
        order = placed_at(freeze, NOW, status=status)

        freeze(NOW + timedelta(days=1))
        assert orders_reject_unaccepted() == []

        order.refresh_from_db()
        assert order.status == status
        assert not OutboxEvent.objects.exists()

    def test_a_timeout_of_zero_turns_it_off(self, freeze):
        rules_set(order_accept_timeout_minutes=0)
        order = placed_at(freeze, NOW)

        freeze(NOW + timedelta(days=1))
        assert orders_reject_unaccepted() == []
        order.refresh_from_db()
        assert order.status == "placed"

    def test_the_manager_s_timeout_and_due_minutes_are_used(self, freeze):
        rules_set(order_accept_timeout_minutes=5, order_scheduled_due_minutes=30)
        asap = placed_at(freeze, NOW)
        # For 2 p.m.: due at 1:30 p.m., rejected at 1:35 p.m.
        scheduled = placed_at(freeze, NOW, scheduled_for=NOW + timedelta(hours=2))

        freeze(NOW + timedelta(minutes=4, seconds=59))
        assert orders_reject_unaccepted() == []
        freeze(NOW + timedelta(minutes=5))
        assert orders_reject_unaccepted() == [asap.pk]
        freeze(NOW + timedelta(hours=1, minutes=34))
        assert orders_reject_unaccepted() == []
        freeze(NOW + timedelta(hours=1, minutes=35))
        assert orders_reject_unaccepted() == [scheduled.pk]


class TestIdempotencyKeysPurge:
    def test_keys_older_than_the_ttl_are_forgotten_once(self, freeze, settings):
        settings.IDEMPOTENCY_KEY_TTL_HOURS = 24
        old = placed_at(freeze, NOW, idempotency_key="old-key", request_fingerprint="a" * 64)
        recent = placed_at(freeze, NOW + timedelta(hours=2), idempotency_key="recent-key", request_fingerprint="b" * 64)
        keyless = placed_at(freeze, NOW)

        freeze(NOW + timedelta(hours=24, seconds=1))
        assert idempotency_keys_purge() == 1
        assert idempotency_keys_purge() == 0  # twice: nothing more

        for order in (old, recent, keyless):
            order.refresh_from_db()
        assert (old.idempotency_key, old.request_fingerprint) == ("", "")
        assert (recent.idempotency_key, recent.request_fingerprint) == ("recent-key", "b" * 64)
        assert old.status == "placed"  # nothing else changes


def test_the_jobs_are_registered_with_the_scheduler():
    jobs = {job.name: job.every for job in periodic_jobs()}

    assert jobs["littlelemon.orders.tasks.orders_unaccepted_reject"] == timedelta(minutes=1)
    assert jobs["littlelemon.orders.tasks.idempotency_keys_expire"] == timedelta(hours=1)
    assert jobs["littlelemon.bookings.tasks.booking_reminders"] == timedelta(minutes=5)
