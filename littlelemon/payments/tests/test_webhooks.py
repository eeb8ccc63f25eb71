"""Stripe's webhook: signatures (the HMAC computed here), each event once, events out of order."""

import hashlib
import hmac
import json
import time

import pytest
from django.urls import reverse

from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.models import Order
from littlelemon.payments import card
from littlelemon.payments.models import Payment, WebhookEvent

from .fakes import DECLINED, SUCCEEDS, intent_event
from .fixtures import WEBHOOK_SECRET

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


def test_a_refund_event_for_a_refund_we_made_confirms_it_once(
    client, fake_stripe, online_order, customer, manager, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from littlelemon.payments import services
    from littlelemon.payments.models import Refund

    order = online_order()
    card.card_payment_start(order_id=order.pk, customer=customer, token=fake_stripe.token_for(SUCCEEDS))
    # Stripe's answer is lost (the call fails after Stripe made it): the refund stays pending...
    fake_stripe.down = True
    with django_capture_on_commit_callbacks(execute=True):
        refund = services.refund_request(order=order.pk, actor=manager, amount=Decimal("5.00"), reason="Cold fries")
    refund.refresh_from_db()
    assert refund.status == "failed"  # a refused call gives the money back to the payment
    fake_stripe.down = False
    with django_capture_on_commit_callbacks(execute=True):
        refund = services.refund_request(order=order.pk, actor=manager, amount=Decimal("5.00"), reason="Cold fries")
    refund.refresh_from_db()
    assert (refund.status, refund.provider_id[:3]) == ("succeeded", "re_")
    # ...and Stripe's event about it later changes nothing more.
    stripe_refund = fake_stripe.refunds[refund.provider_id]
    post(client, {"id": "evt_r", "object": "event", "type": "refund.updated", "data": {"object": stripe_refund}})
    assert Refund.objects.filter(status="succeeded").count() == 1
    assert Payment.objects.get().amount_refunded == Decimal("5.00")
