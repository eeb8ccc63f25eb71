"""The Sales report reconciles with the payments ledger after any sequence of operations: its
totals per payment method and in all equal `payments.selectors.revenue` (captured − refunded)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings

from littlelemon.orders import transitions
from littlelemon.orders.tests.factories import OrderFactory
from littlelemon.payments import card, services
from littlelemon.payments.models import Payment, Refund
from littlelemon.payments.selectors import revenue
from littlelemon.payments.tests.fakes import SUCCEEDS
from littlelemon.payments.tests.test_ledger import OPERATIONS
from littlelemon.reports import selectors
from littlelemon.restaurant.selectors import restaurant_tz

pytestmark = pytest.mark.django_db


def _refund(order, *, manager, cents: int, line: bool) -> None:
    payment = Payment.objects.get(order=order, captured_at__isnull=False)
    left = payment.amount - payment.amount_refunded
    if left <= 0:
        return
    item = order.items.first() if line else None
    if item is not None and item.price > left:
        return
    amount = None if item is not None else min(Decimal(cents) / 100, left)
    services.refund_request(
        order=order.pk, actor=manager, amount=amount, order_item_id=item.pk if item else None, reason="r"
    )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_the_sales_report_equals_the_ledger_after_any_sequence(
    operations, fake_stripe, online_order, customer, manager, crew_user, django_capture_on_commit_callbacks
):
    Refund.objects.all().delete()
    Payment.objects.all().delete()
    paid = []
    with django_capture_on_commit_callbacks(execute=True):
        for operation, cents in operations:
            if operation == "cash_delivered":
                order = OrderFactory(status="out_for_delivery", delivery_crew=crew_user, payment_method="cash")
                transitions.order_status_change(order=order, actor=crew_user, status="delivered")
                paid.append(order)
            elif operation == "card_collected":
                order = OrderFactory(status="ready", fulfilment="pickup", payment_method="card")
                transitions.order_status_change(order=order, actor=manager, status="collected")
                paid.append(order)
            elif operation in ("online_paid", "online_cancelled"):
                order = online_order()
                card.card_payment_start(order_id=order.pk, customer=customer, token=fake_stripe.token_for(SUCCEEDS))
                if operation == "online_cancelled":  # refunded in full automatically
                    transitions.order_status_change(order=order, actor=manager, status="cancelled")
                else:
                    paid.append(order)
            elif paid:
                _refund(paid[cents % len(paid)], manager=manager, cents=cents, line=operation == "refund_line")

    today = timezone.now().astimezone(restaurant_tz()).date()
    period = selectors.ReportRange(start=today - timedelta(days=1), end=today + timedelta(days=1))
    report = selectors.sales_report(period)
    ledger = revenue(period.start, period.end)

    assert {share.key: share.sales for share in report.by_payment_method} == {
        method: ledger.by_method.get(method, Decimal("0.00")) for method in ("cash", "card", "online")
    }
    assert report.sales == ledger.net == sum((share.sales for share in report.by_fulfilment), Decimal("0"))
    # The orders sold are those with money taken and not refunded in full.
    assert report.orders == Payment.objects.filter(status__in=("succeeded", "partially_refunded")).count()
