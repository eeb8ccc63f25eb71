"""Every transition, allowed and refused, for every kind of person, against DESIGN.md's table
(written out again here on purpose, not read from the code under test), plus assignment."""

from itertools import product

import pytest
from django.utils import timezone

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.core.exceptions import InvalidInput, PermissionDenied
from littlelemon.events.models import OutboxEvent
from littlelemon.orders import transitions
from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.exceptions import (
    AssignmentClosed,
    DeliveryCrewRequired,
    InvalidTransition,
    NotADelivery,
    NotDeliveryCrew,
    OrderNotFound,
    TransitionForbidden,
)
from littlelemon.orders.lifecycle import transitions_for
from littlelemon.orders.models import Order, OrderEvent

from .factories import OrderFactory

pytestmark = pytest.mark.django_db

STATUSES = [status.value for status in OrderStatus]
PEOPLE = ("owner", "other_customer", "kitchen", "assigned_crew", "other_crew", "manager", "admin")

# DESIGN.md, "Order lifecycle": (from, to) -> who; fulfilment-specific steps say so.
DESIGN = {
    # An order paid online: only the payments app (the system, no person) places or expires it.
    ("pending_payment", "placed"): set(),
    ("pending_payment", "expired"): set(),
    ("placed", "accepted"): {"manager"},
    ("placed", "rejected"): {"manager"},
    ("placed", "cancelled"): {"owner", "manager"},
    ("accepted", "preparing"): {"kitchen", "manager"},
    ("accepted", "cancelled"): {"manager"},
    ("preparing", "ready"): {"kitchen", "manager"},
    ("preparing", "cancelled"): {"manager"},
    ("ready", "out_for_delivery"): {"assigned_crew", "manager"},
    ("ready", "collected"): {"kitchen", "manager"},
    ("ready", "cancelled"): {"manager"},
    ("out_for_delivery", "delivered"): {"assigned_crew", "manager"},
    # Recalls, within KITCHEN_RECALL_MINUTES of the bump (a factory's order changed status just now).
    ("preparing", "accepted"): {"kitchen", "manager"},
    ("ready", "preparing"): {"kitchen", "manager"},
}
RECALLS = {("preparing", "accepted"), ("ready", "preparing")}
ONLY = {"out_for_delivery": "delivery", "delivered": "delivery", "collected": "pickup"}
PAYMENT = {"delivered": "paid", "collected": "paid", "cancelled": "void", "rejected": "void"}


def legal(fulfilment: str, source: str, target: str) -> bool:
    return (
        (source, target) in DESIGN
        and ONLY.get(target, fulfilment) == fulfilment
        and ONLY.get(source, fulfilment) == fulfilment
    )


def may(person: str, source: str, target: str) -> bool:
    who = DESIGN[(source, target)]
    return person in who or (person == "admin" and "manager" in who)


def person(kind: str, order: Order):
    return {
        "owner": lambda: order.customer,
        "other_customer": lambda: UserFactory(),
        "kitchen": lambda: UserFactory(roles=["kitchen"]),
        "assigned_crew": lambda: order.delivery_crew or UserFactory(roles=["delivery-crew"]),
        "other_crew": lambda: UserFactory(roles=["delivery-crew"]),
        "manager": lambda: UserFactory(roles=["manager"]),
        "admin": lambda: UserFactory(is_superuser=True),
    }[kind]()


def make_order(fulfilment: str, status: str) -> Order:
    crew = UserFactory(roles=["delivery-crew"]) if fulfilment == "delivery" else None
    return OrderFactory(fulfilment=fulfilment, status=status, delivery_crew=crew)


CASES = [
    (fulfilment, source, target, who)
    for fulfilment, source, target, who in product(("delivery", "pickup"), STATUSES, STATUSES, PEOPLE)
    if ONLY.get(source, fulfilment) == fulfilment  # a pickup order is never out for delivery
]


@pytest.mark.parametrize(("fulfilment", "source", "target", "who"), CASES, ids=["-".join(case) for case in CASES])
def test_every_transition_for_every_person(fulfilment, source, target, who):
    order = make_order(fulfilment, source)
    actor = person(who, order)
    events_before = OrderEvent.objects.count()

    if not legal(fulfilment, source, target):
        with pytest.raises(InvalidTransition) as error:
            transitions.order_status_change(order=order, actor=actor, status=target)
        assert error.value.http_status == 409
        assert error.value.extra["current_status"] == source
        assert target not in error.value.extra["allowed"]
    elif not may(who, source, target):
        with pytest.raises(TransitionForbidden) as error:
            transitions.order_status_change(order=order, actor=actor, status=target)
        assert error.value.http_status == 403
    else:
        changed = transitions.order_status_change(order=order, actor=actor, status=target, note="ok")
        assert changed.status == target
        order.refresh_from_db()
        assert (order.status, order.payment_status) == (target, PAYMENT.get(target, "pending"))
        assert (order.finished_at is not None) == (target in PAYMENT)
        event = OrderEvent.objects.exclude(kind="payment").latest("id")  # a payment line may follow
        assert (event.kind, event.from_status, event.to_status, event.actor, event.note) == (
            "status_changed",
            source,
            target,
            actor,
            "ok",
        )
        outbox = OutboxEvent.objects.get()
        assert outbox.type == "order.status_changed"
        assert outbox.payload | {"changed_at": None} == {
            "order_id": order.pk,
            "customer_id": order.customer_id,
            "from_status": source,
            "to_status": target,
            "actor_id": actor.pk,
            "api_key_id": None,
            "note": "ok",
            "estimated_ready_at": None,
            "fulfilment": fulfilment,
            "delivery_crew_id": order.delivery_crew_id,
            "payment_status": PAYMENT.get(target, "pending"),
            "total": str(order.total),
            "changed_at": None,
            "recall": (source, target) in RECALLS,
        }
        return
    order.refresh_from_db()
    assert order.status == source  # a refused step changed nothing
    assert OrderEvent.objects.count() == events_before
    assert not OutboxEvent.objects.exists()


@pytest.mark.parametrize(
    ("fulfilment", "source", "who"), [case[:2] + case[3:] for case in CASES if case[2] == "placed"]
)
def test_allowed_transitions_lists_exactly_what_the_person_may_do(fulfilment, source, who):
    order = make_order(fulfilment, source)
    actor = person(who, order)

    expected = [t for t in STATUSES if legal(fulfilment, source, t) and may(who, source, t)]

    assert [str(status) for status in transitions_for(order, actor, now=timezone.now())] == expected


def test_the_invalid_transition_message_names_the_current_status_and_the_next_ones(manager):
    order = OrderFactory(status="accepted", fulfilment="pickup")

    with pytest.raises(InvalidTransition) as error:
        transitions.order_status_change(order=order, actor=manager, status="delivered")

    assert error.value.message == (
        f"Order #{order.pk} is accepted: it cannot become delivered. Allowed next: preparing, cancelled."
    )
    assert error.value.extra == {"current_status": "accepted", "allowed": ["preparing", "cancelled"]}


def test_a_finished_order_goes_nowhere(manager):
    order = OrderFactory(status="delivered")

    with pytest.raises(InvalidTransition, match="Allowed next: none: the order is finished"):
        transitions.order_status_change(order=order, actor=manager, status="cancelled")


def test_the_forbidden_message_says_who_may(customer):
    order = OrderFactory(status="accepted", customer=customer)

    with pytest.raises(TransitionForbidden, match="Only a manager may cancel an order that is accepted."):
        transitions.order_status_change(order=order, actor=customer, status="cancelled")


def test_an_unknown_status_is_invalid_input(manager):
    order = OrderFactory()

    with pytest.raises(InvalidInput, match="'shipped' is not an order status"):
        transitions.order_status_change(order=order, actor=manager, status="shipped")


def test_out_for_delivery_needs_a_driver(manager):
    order = OrderFactory(status="ready", delivery_crew=None)

    with pytest.raises(DeliveryCrewRequired):
        transitions.order_status_change(order=order, actor=manager, status="out_for_delivery")

    assert transitions_for(order, manager) == ["cancelled"]
    order.refresh_from_db()
    assert order.status == "ready"


def test_the_decision_uses_the_locked_row_not_the_callers_copy(manager):
    order = OrderFactory(status="placed")
    stale = Order.objects.get(pk=order.pk)
    transitions.order_status_change(order=order, actor=manager, status="rejected")

    with pytest.raises(InvalidTransition):
        transitions.order_status_change(order=stale, actor=manager, status="accepted")


class TestAssign:
    def test_a_manager_assigns_and_reassigns_a_driver(self, manager):
        order = OrderFactory(status="preparing")
        first, second = (
            UserFactory(roles=["delivery-crew"]),
            UserFactory(roles=["delivery-crew"], first_name="Dimitri", last_name="Driver"),
        )

        transitions.order_assign(order=order, actor=manager, delivery_crew=first, note="Dispatch A")
        transitions.order_assign(order=order, actor=manager, delivery_crew=second)

        order.refresh_from_db()
        assert order.delivery_crew == second
        events = list(
            OrderEvent.objects.filter(order=order, kind="assigned").values_list(
                "from_status", "to_status", "actor", "note"
            )
        )
        assert events == [
            ("preparing", "preparing", manager.pk, "Dispatch A"),
            ("preparing", "preparing", manager.pk, "Assigned to Dimitri Driver (reassigned)."),
        ]
        payloads = [event.payload for event in OutboxEvent.objects.filter(type="order.assigned")]
        assert [(p["delivery_crew_id"], p["previous_delivery_crew_id"], p["actor_id"]) for p in payloads] == [
            (first.pk, None, manager.pk),
            (second.pk, first.pk, manager.pk),
        ]
        assert payloads[0]["order_id"] == order.pk and payloads[0]["customer_id"] == order.customer_id

    def test_assigning_the_same_driver_again_changes_nothing(self, manager):
        crew = UserFactory(roles=["delivery-crew"])
        order = OrderFactory(delivery_crew=crew)

        transitions.order_assign(order=order, actor=manager, delivery_crew=crew)

        assert not OrderEvent.objects.filter(kind="assigned").exists()
        assert not OutboxEvent.objects.exists()

    @pytest.mark.parametrize("role", [None, "kitchen", "delivery-crew"])
    def test_only_managers_assign(self, role):
        actor = UserFactory(roles=[role] if role else [])
        order = OrderFactory()

        with pytest.raises(PermissionDenied):
            transitions.order_assign(order=order, actor=actor, delivery_crew=UserFactory(roles=["delivery-crew"]))

        order.refresh_from_db()
        assert order.delivery_crew is None

    @pytest.mark.parametrize("roles", [[], ["kitchen"], ["manager"]])
    def test_the_driver_must_be_delivery_crew(self, manager, roles):
        order = OrderFactory()

        with pytest.raises(NotDeliveryCrew) as error:
            transitions.order_assign(order=order, actor=manager, delivery_crew=UserFactory(roles=roles))

        assert error.value.field == "delivery_crew"
        order.refresh_from_db()
        assert order.delivery_crew is None

    def test_an_inactive_driver_is_refused(self, manager):
        with pytest.raises(NotDeliveryCrew):
            transitions.order_assign(
                order=OrderFactory(), actor=manager, delivery_crew=UserFactory(roles=["delivery-crew"], is_active=False)
            )

    def test_a_pickup_order_gets_no_driver(self, manager):
        order = OrderFactory(fulfilment="pickup")

        with pytest.raises(NotADelivery):
            transitions.order_assign(order=order, actor=manager, delivery_crew=UserFactory(roles=["delivery-crew"]))

    @pytest.mark.parametrize("status", ["placed", "accepted", "preparing", "ready"])
    def test_allowed_until_out_for_delivery(self, manager, status):
        crew = UserFactory(roles=["delivery-crew"])

        order = transitions.order_assign(order=OrderFactory(status=status), actor=manager, delivery_crew=crew)

        assert order.delivery_crew == crew

    @pytest.mark.parametrize("status", ["out_for_delivery", "delivered", "cancelled", "rejected"])
    def test_closed_once_it_has_left(self, manager, status):
        order = OrderFactory(status=status, delivery_crew=UserFactory(roles=["delivery-crew"]))

        with pytest.raises(AssignmentClosed) as error:
            transitions.order_assign(order=order, actor=manager, delivery_crew=UserFactory(roles=["delivery-crew"]))

        assert error.value.http_status == 409
        assert error.value.extra["current_status"] == status


def test_an_overlong_note_is_invalid_input_not_a_database_error(manager):
    order = OrderFactory()

    with pytest.raises(InvalidInput, match="at most 500"):
        transitions.order_status_change(order=order, actor=manager, status="accepted", note="n" * 501)
    with pytest.raises(InvalidInput, match="at most 500"):
        transitions.order_assign(
            order=order, actor=manager, delivery_crew=UserFactory(roles=["delivery-crew"]), note="n" * 501
        )

    order.refresh_from_db()
    assert (order.status, order.delivery_crew) == ("placed", None)


def test_an_unknown_order_is_not_found(manager):
    with pytest.raises(OrderNotFound):
        transitions.order_status_change(order=10**6, actor=manager, status="accepted")
