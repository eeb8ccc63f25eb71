"""Expiry of unpaid orders, and the ledger reconciling after any sequence of operations."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from littlelemon.cart.models import CartLine
from littlelemon.orders import transitions
from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.models import Order
from littlelemon.orders.tests.factories import OrderFactory
from littlelemon.payments import card, services
from littlelemon.payments.expiry import unpaid_orders_expire_now
from littlelemon.payments.models import Payment, Refund
from littlelemon.payments.selectors import revenue
from littlelemon.restaurant.selectors import restaurant_tz

from .fakes import SUCCEEDS

pytestmark = pytest.mark.django_db


def test_an_unpaid_order_expires_with_the_cart_intact(fake_stripe, online_order, customer, settings):
    settings.PAYMENT_EXPIRY_MINUTES = 30
    order = online_order()
    assert unpaid_orders_expire_now(now=timezone.now() + timedelta(minutes=29)) == []
    assert unpaid_orders_expire_now(now=timezone.now() + timedelta(minutes=31)) == [order.pk]
    order.refresh_from_db()
    assert order.status == OrderStatus.EXPIRED and order.finished_at is not None
    assert CartLine.objects.filter(user=customer).count() == 1
    assert unpaid_orders_expire_now(now=timezone.now() + timedelta(minutes=31)) == []  # idempotent


def test_expiry_cancels_the_pending_attempt_with_a_line_on_the_timeline(fake_stripe, online_order, customer):
    order = online_order()
    with transaction.atomic():
        services.payment_attempt_create(order=Order.objects.select_for_update().get(pk=order.pk))
    unpaid_orders_expire_now(now=timezone.now() + timedelta(days=1))
    assert Payment.objects.get().status == "cancelled"
    assert list(order.events.filter(kind="payment").values_list("to_status", "note")) == [
        ("expired", "Card payment attempt 1 cancelled: the order expired.")
    ]
    unpaid_orders_expire_now(now=timezone.now() + timedelta(days=2))
    assert order.events.filter(kind="payment").count() == 1


def test_a_new_attempt_cancels_the_pending_one_with_a_line_on_the_timeline(fake_stripe, online_order, customer):
    """The customer left 3-D Secure unfinished and tries another card."""
    from .fakes import NEEDS_3DS

    order = online_order()
    card.card_payment_start(order_id=order.pk, customer=customer, token=fake_stripe.token_for(NEEDS_3DS))
    card.card_payment_start(order_id=order.pk, customer=customer, token=fake_stripe.token_for(SUCCEEDS))
    assert list(Payment.objects.values_list("attempt", "status")) == [(1, "cancelled"), (2, "succeeded")]
    assert list(order.events.filter(kind="payment").values_list("note", flat=True)) == [
        "Card payment attempt 1 cancelled: a new attempt started.",
        "$25.00 paid by card online (Stripe).",
    ]


def test_a_payment_that_succeeds_after_expiry_is_refunded(
    fake_stripe, online_order, customer, django_capture_on_commit_callbacks
):
    order = online_order()
    with django_capture_on_commit_callbacks(execute=True):
        attempt = services.payment_attempt_create(order=Order.objects.get(pk=order.pk))
        unpaid_orders_expire_now(now=timezone.now() + timedelta(days=1))
    assert Payment.objects.get().status == "cancelled"
    fake_stripe.intents["pi_late"] = {"id": "pi_late", "status": "succeeded", "amount": 2500}
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_succeeded(payment_id=attempt.pk, intent_id="pi_late")
    order.refresh_from_db()
    assert order.status == OrderStatus.EXPIRED
    assert Refund.objects.get().amount == order.total
    assert Payment.objects.get().status == "refunded"
    assert CartLine.objects.filter(user=customer).count() == 1
    assert revenue(timezone.localdate(), timezone.localdate()).net == 0


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(
            ["cash_delivered", "card_collected", "online_paid", "online_cancelled", "refund", "refund_line"]
        ),
        st.integers(min_value=1, max_value=3000),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_the_ledger_reconciles_after_any_sequence(
    operations, fake_stripe, online_order, customer, manager, crew_user, django_capture_on_commit_callbacks
):
    """Whatever happens, revenue (captured − refunded, per method) equals the money the test saw
    change hands, and the ledger's rows agree with it."""
    Refund.objects.all().delete()
    Payment.objects.all().delete()
    expected: dict[str, Decimal] = {}
    paid: list[Order] = []

    def took(method: str, amount: Decimal) -> None:
        expected[method] = expected.get(method, Decimal("0")) + amount

    with django_capture_on_commit_callbacks(execute=True):
        for operation, cents in operations:
            amount = Decimal(cents) / 100
            if operation == "cash_delivered":
                order = OrderFactory(status="out_for_delivery", delivery_crew=crew_user, payment_method="cash")
                transitions.order_status_change(order=order, actor=crew_user, status="delivered")
                took("cash", order.total)
                paid.append(order)
            elif operation == "card_collected":
                order = OrderFactory(status="ready", fulfilment="pickup", payment_method="card")
                transitions.order_status_change(order=order, actor=manager, status="collected")
                took("card", order.total)
                paid.append(order)
            elif operation in ("online_paid", "online_cancelled"):
                order = online_order()
                card.card_payment_start(order_id=order.pk, customer=customer, token=fake_stripe.token_for(SUCCEEDS))
                took("online", order.total)
                if operation == "online_cancelled":
                    transitions.order_status_change(order=order, actor=manager, status="cancelled")
                    took("online", -order.total)
                else:
                    paid.append(order)
            elif paid:
                order = paid[cents % len(paid)]
                payment = Payment.objects.get(order=order, captured_at__isnull=False)
                left = payment.amount - payment.amount_refunded
                wanted = min(amount, left) if operation == "refund" else None
                if left <= 0:
                    continue
                line = order.items.first() if operation == "refund_line" else None
                if line is not None and line.price > left:
                    continue
                if line is None and wanted is None:
                    wanted = left
                services.refund_request(
                    order=order.pk, actor=manager, amount=wanted, order_item_id=line.pk if line else None, reason="r"
                )
                took(payment.method, -(line.price if line else wanted))

    today = timezone.now().astimezone(restaurant_tz()).date()
    ledger = revenue(today - timedelta(days=1), today + timedelta(days=1))
    assert {method: net for method, net in ledger.by_method.items() if net or method in expected} == {
        method: value.quantize(Decimal("0.01")) for method, value in expected.items()
    }
    assert ledger.net == sum(expected.values(), Decimal("0"))
    for payment in Payment.objects.all():
        refunded = sum((r.amount for r in payment.refunds.filter(status="succeeded")), Decimal("0"))
        assert payment.amount_refunded == refunded <= payment.amount


def test_revenue_dates_captures_and_refunds_by_their_own_day_in_the_restaurants_time_zone(crew_user, manager):
    order = OrderFactory(status="out_for_delivery", delivery_crew=crew_user, payment_method="cash")
    transitions.order_status_change(order=order, actor=crew_user, status="delivered")
    refund = services.refund_request(order=order.pk, actor=manager, amount=Decimal("5.00"), reason="late")
    tz = restaurant_tz()
    # Captured at 23:30 local on the 1st; refunded at 00:30 local on the 2nd (UTC says otherwise).
    from datetime import datetime

    captured = datetime(2026, 3, 1, 23, 30, tzinfo=tz)
    Payment.objects.update(captured_at=captured)
    Refund.objects.filter(pk=refund.pk).update(refunded_at=captured + timedelta(hours=1))
    ledger = revenue(captured.date(), captured.date() + timedelta(days=1))
    assert [(row.day.day, row.method, row.captured, row.refunded) for row in ledger.rows] == [
        (1, "cash", order.total, Decimal("0.00")),
        (2, "cash", Decimal("0.00"), Decimal("5.00")),
    ]
    assert revenue(captured.date(), captured.date()).net == order.total
