"""Refunds whose answer from Stripe never came: they stay pending (still counted against what is
left) and the periodic job asks Stripe again with the same idempotency key; a definite refusal
fails them at once. The job runs with a stopped clock, twice: the second run changes nothing."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from littlelemon.core.periodic import periodic_jobs
from littlelemon.events.models import OutboxEvent
from littlelemon.payments import card, services
from littlelemon.payments.exceptions import RefundTooLarge
from littlelemon.payments.models import Payment, Refund
from littlelemon.payments.refund_retry import refunds_pending_resubmit_now

from .fakes import SUCCEEDS
from .fixtures import assert_ledger_reconciles

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 17, 0, tzinfo=UTC)


@pytest.fixture
def paid_order(freeze, fake_stripe, online_order, customer):
    freeze(NOW)
    order = online_order()
    card.card_payment_start(order_id=order.pk, customer=customer, token=fake_stripe.token_for(SUCCEEDS))
    order.refresh_from_db()
    return order


def _refund(order, manager, capture, amount="10.00"):
    with capture(execute=True):
        refund = services.refund_request(order=order.pk, actor=manager, amount=Decimal(amount), reason="Cold fries")
    refund.refresh_from_db()
    return refund


@pytest.mark.parametrize("fault", ["unreachable", "answers_lost", "down"])
def test_no_answer_leaves_the_refund_pending_and_the_job_asks_again_with_the_same_key(
    paid_order, fake_stripe, manager, freeze, django_capture_on_commit_callbacks, fault
):
    setattr(fake_stripe, fault, True)
    refund = _refund(paid_order, manager, django_capture_on_commit_callbacks)

    # Stripe may have made it: pending, its amount still held against what is left.
    assert (refund.status, refund.provider_id, refund.failure_message) == ("pending", "", "")
    payment = Payment.objects.get()
    assert (payment.status, payment.amount_refunded) == ("partially_refunded", Decimal("10.00"))
    with pytest.raises(RefundTooLarge) as error:
        services.refund_request(order=paid_order.pk, actor=manager, amount=Decimal("15.01"), reason="Again")
    assert error.value.extra == {"refundable": "15.00"}
    assert not paid_order.events.filter(note__contains="failed").exists()

    setattr(fake_stripe, fault, False)
    freeze(NOW + timedelta(minutes=4, seconds=59))
    assert refunds_pending_resubmit_now() == []  # its own after-commit call may still be answering
    freeze(NOW + timedelta(minutes=5))
    assert refunds_pending_resubmit_now() == [refund.pk]

    refund.refresh_from_db()
    assert (refund.status, refund.provider_id[:3]) == ("succeeded", "re_")
    calls = fake_stripe.posted("/v1/refunds")
    assert [call["idempotency_key"] for call in calls] == [f"refund-{refund.pk}"] * 2
    assert len(fake_stripe.refunds) == 1  # however many times it was asked, Stripe refunded once
    assert paid_order.events.filter(kind="payment", note="Stripe confirmed the refund of $10.00.").count() == 1
    assert OutboxEvent.objects.filter(type="payment.refunded").count() == 1

    # A second run: nothing is pending, nothing is asked, nothing changes.
    assert refunds_pending_resubmit_now() == []
    assert len(fake_stripe.posted("/v1/refunds")) == 2
    assert Payment.objects.get().amount_refunded == Decimal("10.00")
    assert_ledger_reconciles()


def test_a_refund_whose_after_commit_call_never_ran_is_submitted_by_the_job(paid_order, fake_stripe, manager, freeze):
    # The process stopped between the commit and the call: no on-commit callback runs here.
    refund = services.refund_request(order=paid_order.pk, actor=manager, amount=Decimal("25.00"), reason="Lost")
    assert fake_stripe.posted("/v1/refunds") == []
    freeze(NOW + timedelta(minutes=5))
    assert refunds_pending_resubmit_now() == [refund.pk]
    refund.refresh_from_db()
    assert refund.status == "succeeded"
    (call,) = fake_stripe.posted("/v1/refunds")
    assert (call["data"]["amount"], call["idempotency_key"]) == ("2500", f"refund-{refund.pk}")
    assert Payment.objects.get().status == "refunded"
    assert refunds_pending_resubmit_now() == []
    assert len(fake_stripe.posted("/v1/refunds")) == 1
    assert_ledger_reconciles()


def test_stripe_still_unreachable_leaves_it_pending_for_the_next_run(paid_order, fake_stripe, manager, freeze):
    refund = services.refund_request(order=paid_order.pk, actor=manager, amount=Decimal("10.00"), reason="Cold")
    fake_stripe.unreachable = True
    freeze(NOW + timedelta(minutes=5))
    assert refunds_pending_resubmit_now() == []
    assert Refund.objects.get().status == "pending"
    fake_stripe.unreachable = False
    freeze(NOW + timedelta(minutes=6))
    assert refunds_pending_resubmit_now() == [refund.pk]
    assert Refund.objects.get().status == "succeeded"


def test_a_definite_refusal_fails_the_refund_and_the_job_leaves_it_alone(
    paid_order, fake_stripe, manager, freeze, django_capture_on_commit_callbacks
):
    fake_stripe.refunds_refused = "Charge ch_1 has been disputed."
    refund = _refund(paid_order, manager, django_capture_on_commit_callbacks)
    assert (refund.status, refund.failure_message) == ("failed", "Charge ch_1 has been disputed.")
    payment = Payment.objects.get()
    assert (payment.status, payment.amount_refunded) == ("succeeded", Decimal("0.00"))  # the amount is back
    assert paid_order.events.filter(
        note="Refund of $10.00 failed: Charge ch_1 has been disputed.", kind="payment"
    ).exists()
    fake_stripe.refunds_refused = ""
    freeze(NOW + timedelta(minutes=10))
    assert refunds_pending_resubmit_now() == []
    assert len(fake_stripe.posted("/v1/refunds")) == 1
    assert_ledger_reconciles()


def test_past_stripes_idempotency_window_the_job_no_longer_asks(paid_order, fake_stripe, manager, freeze):
    services.refund_request(order=paid_order.pk, actor=manager, amount=Decimal("10.00"), reason="Cold")
    freeze(NOW + timedelta(hours=24))
    assert refunds_pending_resubmit_now() == []
    assert fake_stripe.posted("/v1/refunds") == []
    assert Refund.objects.get().status == "pending"


def test_the_job_is_registered_with_the_scheduler():
    jobs = {job.name: job.every for job in periodic_jobs()}
    assert jobs["littlelemon.payments.tasks.refunds_pending_resubmit"] == timedelta(minutes=1)
