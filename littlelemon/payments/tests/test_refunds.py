"""Refunds: automatic in full when a card order is rejected or cancelled, a manager's partial
refunds (a line or an amount, with a reason, never more than what is left), in person or online."""

from decimal import Decimal

import pytest

from littlelemon.core.exceptions import InvalidInput, PermissionDenied
from littlelemon.events.models import OutboxEvent
from littlelemon.orders import transitions
from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.tests.factories import OrderFactory
from littlelemon.payments import card, services
from littlelemon.payments.exceptions import NothingToRefund, RefundTooLarge
from littlelemon.payments.models import Payment, Refund

from .fakes import SUCCEEDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_order(fake_stripe, online_order, customer):
    order = online_order()
    card.card_payment_start(order_id=order.pk, customer=customer, token=fake_stripe.token_for(SUCCEEDS))
    order.refresh_from_db()
    return order


@pytest.mark.parametrize(("status", "who"), [("rejected", "manager"), ("cancelled", "customer")])
def test_a_rejected_or_cancelled_card_order_is_refunded_in_full(
    paid_order, fake_stripe, manager, customer, status, who, django_capture_on_commit_callbacks
):
    actor = manager if who == "manager" else customer
    with django_capture_on_commit_callbacks(execute=True):
        transitions.order_status_change(order=paid_order, actor=actor, status=status, note="Kitchen closed")

    refund = Refund.objects.get()
    assert (refund.amount, refund.status, refund.actor) == (Decimal("25.00"), "succeeded", None)
    assert refund.refunded_at is not None and refund.provider_id.startswith("re_")
    payment = Payment.objects.get()
    assert (payment.status, payment.amount_refunded) == ("refunded", Decimal("25.00"))
    (call,) = fake_stripe.posted("/v1/refunds")
    assert (call["data"]["amount"], call["data"]["payment_intent"]) == ("2500", payment.provider_id)
    assert call["idempotency_key"] == f"refund-{refund.pk}"
    event = OutboxEvent.objects.get(type="payment.refunded")
    assert (event.payload["amount"], event.payload["customer_id"]) == ("25.00", customer.pk)
    assert paid_order.events.filter(kind="payment", note__startswith="Refund of $25.00").exists()


def test_an_order_paid_in_person_is_not_refunded_by_stripe(fake_stripe, manager):
    order = OrderFactory(payment_method="cash")
    transitions.order_status_change(order=order, actor=manager, status="rejected")
    assert not Refund.objects.exists() and not fake_stripe.requests


def test_a_manager_refunds_a_line_then_an_amount_never_more_than_is_left(
    paid_order, manager, django_capture_on_commit_callbacks
):
    line = paid_order.items.get()  # 2 × 12.50
    with django_capture_on_commit_callbacks(execute=True):
        services.refund_request(
            order=paid_order.pk, actor=manager, amount=None, order_item_id=line.pk, reason="Wrong dish"
        )
    payment = Payment.objects.get()
    assert (payment.amount_refunded, payment.status) == (Decimal("25.00"), "refunded")

    with pytest.raises(RefundTooLarge):
        services.refund_request(order=paid_order.pk, actor=manager, amount=Decimal("0.01"), reason="More")
    assert Refund.objects.count() == 1


def test_partial_refunds_add_up_to_at_most_the_payment(paid_order, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.refund_request(order=paid_order.pk, actor=manager, amount=Decimal("10.00"), reason="Late")
    with pytest.raises(RefundTooLarge) as error:
        services.refund_request(order=paid_order.pk, actor=manager, amount=Decimal("15.01"), reason="Too much")
    assert error.value.extra == {"refundable": "15.00"}
    with django_capture_on_commit_callbacks(execute=True):
        services.refund_request(order=paid_order.pk, actor=manager, amount=Decimal("15.00"), reason="All of it")
    assert list(Refund.objects.values_list("amount", "status")) == [
        (Decimal("10.00"), "succeeded"),
        (Decimal("15.00"), "succeeded"),
    ]
    assert Payment.objects.get().status == "refunded"
    # Cancelling it now refunds nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        transitions.order_status_change(order=paid_order, actor=manager, status="cancelled")
    assert Refund.objects.count() == 2


@pytest.mark.parametrize(
    ("amount", "reason", "error", "field"),
    [
        (Decimal("0"), "x", InvalidInput, "amount"),
        (Decimal("-1"), "x", InvalidInput, "amount"),
        (Decimal("1.001"), "x", InvalidInput, "amount"),
        (Decimal("5"), "   ", InvalidInput, "reason"),
        (Decimal("5"), "x" * 501, InvalidInput, "reason"),
        (None, "x", InvalidInput, "amount"),
    ],
)
def test_bad_refunds_change_nothing(paid_order, manager, amount, reason, error, field):
    with pytest.raises(error) as raised:
        services.refund_request(order=paid_order.pk, actor=manager, amount=amount, reason=reason)
    assert raised.value.field == field
    assert not Refund.objects.exists()
    assert Payment.objects.get().amount_refunded == 0


def test_only_managers_refund_and_only_a_paid_order(paid_order, customer, kitchen_user, crew_user, manager):
    for person in (customer, kitchen_user, crew_user):
        with pytest.raises(PermissionDenied):
            services.refund_request(order=paid_order.pk, actor=person, amount=Decimal("1"), reason="x")
    unpaid = OrderFactory(payment_method="cash")
    with pytest.raises(NothingToRefund):
        services.refund_request(order=unpaid.pk, actor=manager, amount=Decimal("1"), reason="x")
    other_line = OrderFactory(items=1).items.get()
    with pytest.raises(InvalidInput):
        services.refund_request(
            order=paid_order.pk, actor=manager, amount=None, order_item_id=other_line.pk, reason="x"
        )
    assert not Refund.objects.exists()


def test_cash_is_collected_on_delivery_refunded_in_cash_and_handed_in(crew_user, manager):
    order = OrderFactory(status=OrderStatus.OUT_FOR_DELIVERY, delivery_crew=crew_user, payment_method="cash")
    transitions.order_status_change(order=order, actor=crew_user, status="delivered")
    payment = Payment.objects.get()
    assert (payment.method, payment.status, payment.amount, payment.collected_by) == (
        "cash",
        "succeeded",
        order.total,
        crew_user,
    )
    from littlelemon.payments.selectors import cash_to_hand_in

    services.refund_request(order=order.pk, actor=manager, amount=Decimal("2.50"), reason="Missing sauce")
    assert Refund.objects.get().status == "succeeded"  # handed back in person, at once
    (hand_in,) = cash_to_hand_in()
    assert (hand_in.driver_id, hand_in.amount, hand_in.payments) == (crew_user.pk, order.total - Decimal("2.50"), 1)

    with pytest.raises(PermissionDenied):
        services.cash_hand_in(actor=crew_user, driver=crew_user)
    assert not order.events.filter(note__contains="handed in").exists()
    assert services.cash_hand_in(actor=manager, driver=crew_user) == 1
    assert cash_to_hand_in() == []
    # The hand-in is a line on the order's timeline, by the manager who received it; once.
    who = crew_user.get_full_name() or crew_user.username
    line = order.events.get(note__contains="handed in")
    assert (line.kind, line.actor, line.note) == ("payment", manager, f"${order.total} in cash handed in by {who}.")
    assert services.cash_hand_in(actor=manager, driver=crew_user) == 0
    assert order.events.filter(note__contains="handed in").count() == 1


def test_pickup_paid_at_the_counter(kitchen_user):
    order = OrderFactory(status=OrderStatus.READY, fulfilment="pickup", payment_method="card")
    transitions.order_status_change(order=order, actor=kitchen_user, status="collected")
    payment = Payment.objects.get()
    assert (payment.method, payment.collected_by, payment.provider) == ("card", kitchen_user, "in_person")
