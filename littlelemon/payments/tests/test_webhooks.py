"""Stripe's webhook: signatures (the HMAC computed here), each event once, events out of order."""

import hashlib
import hmac
import json
import time
from decimal import Decimal

import pytest
from django.urls import reverse

from littlelemon.events.models import OutboxEvent
from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.models import Order
from littlelemon.payments import card, services
from littlelemon.payments.exceptions import RefundTooLarge
from littlelemon.payments.models import Payment, Refund, WebhookEvent

from .fakes import DECLINED, SUCCEEDS, intent_event
from .fixtures import WEBHOOK_SECRET, assert_ledger_reconciles

pytestmark = pytest.mark.django_db

URL = "/payments/stripe/webhook/"


def signed(payload: bytes, *, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    at = int(time.time()) if at is None else at
    signature = hmac.new(secret.encode(), f"{at}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={at},v1={signature}"


def post(client, event: dict, **sign) -> tuple[int, dict]:
    payload = json.dumps(event).encode()
    response = client.post(URL, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signed(payload, **sign))
    return response.status_code, response.json()


def test_the_url():
    assert reverse("payments:stripe_webhook") == URL


def _pending_intent(fake_stripe, online_order, customer):
    """An order whose payment Stripe declined: its intent, which may still succeed (a retry)."""
    order = online_order()
    with pytest.raises(Exception):  # noqa: B017 - CardDeclined, tested elsewhere
        card.card_payment_start(order_id=order.pk, customer=customer, token=fake_stripe.token_for(DECLINED))
    payment = Payment.objects.get()
    return order, fake_stripe.intents[payment.provider_id]


def test_succeeded_places_the_order_once_and_a_replay_changes_nothing(client, fake_stripe, online_order, customer):
    order, intent = _pending_intent(fake_stripe, online_order, customer)
    intent = {**intent, "status": "succeeded"}  # a retry that worked, after the failure

    assert post(client, intent_event(intent, "payment_intent.succeeded", "evt_1")) == (
        200,
        {"received": True, "replay": False},
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
    events = order.events.count()

    assert post(client, intent_event(intent, "payment_intent.succeeded", "evt_1"))[1]["replay"] is True
    # The same news under another id (the return got there first, say) changes nothing either.
    assert post(client, intent_event(intent, "payment_intent.succeeded", "evt_2"))[1]["replay"] is False
    # A failure reported after the success (out of order) changes nothing.
    failed = {**intent, "status": "requires_payment_method", "last_payment_error": {"message": "late"}}
    post(client, intent_event(failed, "payment_intent.payment_failed", "evt_3"))
    assert order.events.count() == events
    assert list(Payment.objects.values_list("status", flat=True)) == ["succeeded"]
    assert WebhookEvent.objects.count() == 3


@pytest.mark.parametrize(
    "tamper",
    [
        {"secret": "whsec_someone_else"},
        {"at": int(time.time()) - 3600},  # an old signature: outside the 5 minutes' tolerance
    ],
)
def test_a_bad_or_old_signature_is_a_400_and_changes_nothing(client, fake_stripe, online_order, customer, tamper):
    order, intent = _pending_intent(fake_stripe, online_order, customer)
    status, body = post(
        client, intent_event({**intent, "status": "succeeded"}, "payment_intent.succeeded", "e1"), **tamper
    )
    assert (status, body) == (400, {"detail": "Invalid signature."})
    assert Order.objects.get().status == OrderStatus.PENDING_PAYMENT
    assert not WebhookEvent.objects.exists()


def test_no_signature_is_a_400(client, fake_stripe):
    response = client.post(URL, b"{}", content_type="application/json")
    assert response.status_code == 400


def test_without_stripe_the_endpoint_is_not_there(client, db):
    assert client.post(URL, b"{}", content_type="application/json").status_code == 404


def test_an_event_before_our_own_call_finished_is_matched_by_metadata(client, fake_stripe, online_order, customer):
    """The webhook may arrive before the confirmation's answer has stored the intent's id."""
    from littlelemon.payments import services

    order = online_order()
    with __import__("django.db").db.transaction.atomic():
        payment = services.payment_attempt_create(order=Order.objects.select_for_update().get(pk=order.pk))
    intent = {
        "id": "pi_early",
        "object": "payment_intent",
        "status": "succeeded",
        "metadata": {"payment_id": str(payment.pk)},
    }
    post(client, intent_event(intent, "payment_intent.succeeded", "evt_early"))
    payment.refresh_from_db()
    assert (payment.status, payment.provider_id) == ("succeeded", "pi_early")
    assert Order.objects.get().status == OrderStatus.PLACED


def _paid(fake_stripe, online_order, customer):
    order = online_order()
    card.card_payment_start(order_id=order.pk, customer=customer, token=fake_stripe.token_for(SUCCEEDS))
    return order


def _refund_event(stripe_refund: dict, event_id: str, event_type: str = "refund.updated") -> dict:
    return {"id": event_id, "object": "event", "type": event_type, "data": {"object": stripe_refund}}


def test_a_refund_event_for_a_refund_we_made_confirms_it_once(
    client, fake_stripe, online_order, customer, manager, django_capture_on_commit_callbacks
):
    order = _paid(fake_stripe, online_order, customer)
    # Stripe makes the refund but its answer is lost (the connection drops after the request):
    fake_stripe.answers_lost = True
    with django_capture_on_commit_callbacks(execute=True):
        refund = services.refund_request(order=order.pk, actor=manager, amount=Decimal("5.00"), reason="Cold fries")
    fake_stripe.answers_lost = False
    refund.refresh_from_db()
    # ...so the refund stays pending (Stripe may have made it) and still holds its amount: a second
    # refund cannot take more than what is left.
    assert (refund.status, refund.provider_id) == ("pending", "")
    assert Payment.objects.get().amount_refunded == Decimal("5.00")
    with pytest.raises(RefundTooLarge):
        services.refund_request(order=order.pk, actor=manager, amount=Decimal("20.01"), reason="Again")

    # Stripe's event about the refund it made (found by the refund_id in its metadata) confirms it.
    (stripe_refund,) = fake_stripe.refunds.values()
    assert post(client, _refund_event(stripe_refund, "evt_r1")) == (200, {"received": True, "replay": False})
    refund.refresh_from_db()
    assert (refund.status, refund.provider_id) == ("succeeded", stripe_refund["id"])
    assert order.events.filter(kind="payment", note="Stripe confirmed the refund of $5.00.").count() == 1
    # The same news again (a replay, or charge.refunded under another id) changes nothing more.
    events = order.events.count()
    assert post(client, _refund_event(stripe_refund, "evt_r1"))[1]["replay"] is True
    charge = {"id": "ch_1", "object": "charge", "refunds": {"data": [stripe_refund]}}
    assert post(client, _refund_event(charge, "evt_r2", "charge.refunded"))[1]["replay"] is False
    assert order.events.count() == events
    assert Refund.objects.filter(status="succeeded").count() == 1
    assert Payment.objects.get().amount_refunded == Decimal("5.00")
    assert OutboxEvent.objects.filter(type="payment.refunded").count() == 1


def test_a_refund_held_as_failed_that_stripe_says_succeeded_is_corrected(
    client, fake_stripe, online_order, customer, manager, django_capture_on_commit_callbacks
):
    order = _paid(fake_stripe, online_order, customer)
    fake_stripe.refunds_refused = "Charge ch_1 is disputed."
    with django_capture_on_commit_callbacks(execute=True):
        refund = services.refund_request(order=order.pk, actor=manager, amount=Decimal("5.00"), reason="Cold fries")
    refund.refresh_from_db()
    assert (refund.status, refund.failure_message) == ("failed", "Charge ch_1 is disputed.")
    payment = Payment.objects.get()
    assert (payment.status, payment.amount_refunded) == ("succeeded", Decimal("0.00"))

    # Stripe is the truth: it reports the refund succeeded after all.
    stripe_refund = {
        "id": "re_late",
        "object": "refund",
        "status": "succeeded",
        "metadata": {"refund_id": str(refund.pk)},
    }
    post(client, _refund_event(stripe_refund, "evt_late", "charge.refund.updated"))
    refund.refresh_from_db()
    assert (refund.status, refund.provider_id, refund.failure_message) == ("succeeded", "re_late", "")
    assert refund.refunded_at is not None
    payment.refresh_from_db()
    assert (payment.status, payment.amount_refunded) == ("partially_refunded", Decimal("5.00"))
    assert order.events.filter(
        kind="payment", note="Stripe reports the refund of $5.00 succeeded after all (it was held as failed): refunded."
    ).exists()
    event = OutboxEvent.objects.get(type="payment.refunded")
    assert (event.payload["refund_id"], event.payload["amount"]) == (refund.pk, "5.00")
    # Told again under another event id: nothing more.
    post(client, _refund_event(stripe_refund, "evt_late_2"))
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("5.00")
    assert OutboxEvent.objects.filter(type="payment.refunded").count() == 1
    assert_ledger_reconciles()


def test_a_late_success_with_no_room_left_stays_failed_and_says_so(
    client, fake_stripe, online_order, customer, manager, django_capture_on_commit_callbacks
):
    order = _paid(fake_stripe, online_order, customer)
    fake_stripe.refunds_refused = "Charge ch_1 is disputed."
    with django_capture_on_commit_callbacks(execute=True):
        failed = services.refund_request(order=order.pk, actor=manager, amount=Decimal("20.00"), reason="Cold")
    fake_stripe.refunds_refused = ""
    with django_capture_on_commit_callbacks(execute=True):
        services.refund_request(order=order.pk, actor=manager, amount=Decimal("25.00"), reason="All of it")

    stripe_refund = {
        "id": "re_late",
        "object": "refund",
        "status": "succeeded",
        "metadata": {"refund_id": str(failed.pk)},
    }
    post(client, _refund_event(stripe_refund, "evt_late"))
    failed.refresh_from_db()
    assert failed.status == "failed"
    assert Payment.objects.get().amount_refunded == Decimal("25.00")
    assert order.events.filter(
        note="Stripe reports the refund of $20.00 succeeded, but only $0.00 is left on the payment: "
        "check the refunds in Stripe's dashboard."
    ).exists()
