"""Recall: the kitchen undoes its last bump (preparing -> accepted, ready -> preparing) within
KITCHEN_RECALL_MINUTES of it; recorded in the timeline and the outbox like every status change."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.audit.models import AuditEntry
from littlelemon.events.models import OutboxEvent
from littlelemon.orders import lifecycle, transitions
from littlelemon.orders.exceptions import InvalidTransition, RecallWindowClosed, TransitionForbidden
from littlelemon.orders.models import Order, OrderEvent

from .factories import OrderFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 6, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def recall_minutes(settings):
    settings.KITCHEN_RECALL_MINUTES = 3
    return 3


def bumped(status: str, *, at: datetime = NOON, **kwargs) -> Order:
    return OrderFactory(status=status, status_changed_at=at, **kwargs)


@pytest.mark.parametrize(("source", "target"), [("preparing", "accepted"), ("ready", "preparing")])
@pytest.mark.parametrize("who", ["kitchen", "manager"])
def test_the_kitchen_or_a_manager_recalls_within_the_window(freeze, recall_minutes, source, target, who):
    order = bumped(source)
    actor = UserFactory(roles=[who])
    later = freeze(NOON + timedelta(minutes=3))

    changed = transitions.order_status_change(order=order, actor=actor, status=target)

    order.refresh_from_db()
    assert (changed.status, order.status, order.status_changed_at) == (target, target, later)
    event = OrderEvent.objects.latest("id")
    by = "the kitchen" if who == "kitchen" else "a manager"
    assert (event.from_status, event.to_status, event.actor, event.note, event.at) == (
        source,
        target,
        actor,
        f"Recalled by {by}.",
        later,
    )
    outbox = OutboxEvent.objects.get()
    assert outbox.type == "order.status_changed"
    assert (outbox.payload["from_status"], outbox.payload["to_status"], outbox.payload["recall"]) == (
        source,
        target,
        True,
    )
    assert AuditEntry.objects.filter(action="order.status_change").count() == 1


def test_a_recall_with_a_note_keeps_it(kitchen_user, recall_minutes):
    order = OrderFactory(status="ready")

    transitions.order_status_change(order=order, actor=kitchen_user, status="preparing", note="Wrong sauce")

    assert OrderEvent.objects.latest("id").note == "Wrong sauce"


def test_too_late_is_a_409_naming_the_window_and_changes_nothing(freeze, kitchen_user, recall_minutes):
    order = bumped("ready")
    freeze(NOON + timedelta(minutes=3, seconds=1))
    events = OrderEvent.objects.count()

    with pytest.raises(RecallWindowClosed) as error:
        transitions.order_status_change(order=order, actor=kitchen_user, status="preparing")

    assert error.value.http_status == 409
    assert error.value.code == "recall_window_closed"
    assert error.value.message == (
        f"Order #{order.pk} became ready more than 3 minutes ago: "
        "a recall is allowed only within 3 minutes of the bump."
    )
    assert error.value.extra == {
        "current_status": "ready",
        "allowed": ["out_for_delivery", "cancelled"],
        "recall_minutes": 3,
    }
    order.refresh_from_db()
    assert (order.status, order.status_changed_at) == ("ready", NOON)
    assert OrderEvent.objects.count() == events
    assert not OutboxEvent.objects.exists()


@pytest.mark.parametrize("who", ["owner", "driver", "other_customer"])
def test_customers_and_drivers_may_not_recall(freeze, recall_minutes, who):
    driver = UserFactory(roles=["delivery-crew"])
    order = bumped("ready", delivery_crew=driver)
    actor = {"owner": order.customer, "driver": driver, "other_customer": UserFactory()}[who]
    freeze(NOON + timedelta(minutes=1))

    with pytest.raises(TransitionForbidden, match="Only the kitchen or a manager may recall an order that is ready."):
        transitions.order_status_change(order=order, actor=actor, status="preparing")

    order.refresh_from_db()
    assert order.status == "ready"
    assert not OutboxEvent.objects.exists()


def test_a_refused_person_is_told_so_even_after_the_window(freeze, customer, recall_minutes):
    order = bumped("preparing", customer=customer)
    freeze(NOON + timedelta(hours=1))

    with pytest.raises(TransitionForbidden):
        transitions.order_status_change(order=order, actor=customer, status="accepted")


def test_accepted_goes_back_to_placed_never(kitchen_user, manager):
    order = OrderFactory(status="accepted")

    with pytest.raises(InvalidTransition):
        transitions.order_status_change(order=order, actor=manager, status="placed")


def test_a_recall_then_a_bump_again(kitchen_user, recall_minutes):
    order = OrderFactory(status="preparing")

    transitions.order_status_change(order=order, actor=kitchen_user, status="ready")
    transitions.order_status_change(order=order, actor=kitchen_user, status="preparing")
    transitions.order_status_change(order=order, actor=kitchen_user, status="ready")

    order.refresh_from_db()
    assert order.status == "ready"
    assert list(OrderEvent.objects.filter(order=order, kind="status_changed").values_list("to_status", flat=True)) == [
        "ready",
        "preparing",
        "ready",
    ]


def test_the_lifecycle_offers_the_recall_only_in_its_window(kitchen_user, recall_minutes):
    order = OrderFactory.build(status="preparing", status_changed_at=NOON)

    assert lifecycle.transitions_for(order, kitchen_user, now=NOON + timedelta(minutes=3)) == ["accepted", "ready"]
    assert lifecycle.transitions_for(order, kitchen_user, now=NOON + timedelta(minutes=4)) == ["ready"]
    assert lifecycle.transitions_for(order, kitchen_user) == ["ready"]  # without `now`: no recall
    assert lifecycle.recall_closes_at(order) == NOON + timedelta(minutes=3)


def test_placement_and_every_change_set_status_changed_at(freeze, kitchen_user):
    order = OrderFactory(status="accepted", status_changed_at=NOON - timedelta(hours=1))
    later = freeze(NOON)

    transitions.order_status_change(order=order, actor=kitchen_user, status="preparing")

    order.refresh_from_db()
    assert order.status_changed_at == later


def test_placement_sets_status_changed_at(freeze, customer):
    from littlelemon.cart.tests.factories import CartLineFactory
    from littlelemon.menu.tests.factories import MenuItemFactory
    from littlelemon.orders.placement import order_place

    CartLineFactory(user=customer, menuitem=MenuItemFactory(), quantity=1)
    placed_at = freeze(timezone.now().replace(microsecond=0))

    order, _ = order_place(customer=customer, fulfilment="pickup")

    order.refresh_from_db()
    assert order.status_changed_at == placed_at == order.created


def test_the_migration_backfills_from_the_last_status_event():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("littlelemon.orders.migrations.0006_order_status_changed_at")
    with_events = OrderFactory(status="accepted")
    OrderEvent.objects.create(
        order=with_events, kind="status_changed", from_status="placed", to_status="accepted", at=NOON
    )
    OrderEvent.objects.create(
        order=with_events, kind="assigned", from_status="accepted", to_status="accepted", at=NOON + timedelta(hours=1)
    )
    without = OrderFactory(status="placed")
    OrderEvent.objects.filter(order=without).delete()
    Order.objects.update(status_changed_at=None)

    migration.backfill(apps, None)

    with_events.refresh_from_db()
    without.refresh_from_db()
    assert with_events.status_changed_at == NOON  # the assignment is no status change
    assert without.status_changed_at == without.updated
