"""Against localstripe on loopback (started by a fixture), with its signed webhooks sent to a live
server: a card order end to end, a declined card, a webhook replayed, an automatic refund on
rejection, a partial refund."""

import json

import pytest

from littlelemon.cart.models import CartLine
from littlelemon.orders import transitions
from littlelemon.orders.enums import OrderStatus
from littlelemon.orders.models import Order
from littlelemon.payments import card, gateway, services
from littlelemon.payments.exceptions import CardDeclined
from littlelemon.payments.models import Payment, Refund, WebhookEvent

from .fakes import DECLINED, SUCCEEDS
from .fixtures import card_token, wait_for

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_a_card_order_end_to_end_and_its_webhook(localstripe_webhooks, online_order, customer):
    order = online_order()
    outcome = card.card_payment_start(order_id=order.pk, customer=customer, token=card_token(SUCCEEDS))
    assert outcome.status == "succeeded"
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED
    assert not CartLine.objects.filter(user=customer).exists()
    intent = gateway.stripe_client().v1.payment_intents.retrieve(outcome.payment.provider_id)
    assert (intent.amount, intent.currency, intent.status) == (2500, "usd", "succeeded")

    # Stripe's own word comes a moment later: recorded, and it changes nothing more.
    wait_for(lambda: WebhookEvent.objects.filter(type="payment_intent.succeeded").exists())
    assert Payment.objects.get().status == "succeeded"
    assert order.events.filter(kind="status_changed", to_status="placed").count() == 1


def test_a_declined_card(localstripe_webhooks, online_order, customer):
    order = online_order()
    with pytest.raises(CardDeclined, match="Your card was declined."):
        card.card_payment_start(order_id=order.pk, customer=customer, token=card_token(DECLINED))
    assert Order.objects.get().status == OrderStatus.PENDING_PAYMENT
    assert CartLine.objects.filter(user=customer).count() == 1
    wait_for(lambda: WebhookEvent.objects.filter(type="payment_intent.payment_failed").exists())
    payment = Payment.objects.get()
    assert payment.status == "failed" and payment.provider_id.startswith("pi_")  # matched by its metadata


def test_a_webhook_replayed_changes_nothing(localstripe_webhooks, online_order, customer, client):
    from .test_webhooks import signed

    order = online_order()
    card.card_payment_start(order_id=order.pk, customer=customer, token=card_token(SUCCEEDS))
    wait_for(lambda: WebhookEvent.objects.filter(type="payment_intent.succeeded").exists())
    intent_id = Payment.objects.get().provider_id
    events = gateway.stripe_client().v1.events.list(params={"limit": 100}).auto_paging_iter()
    event = next(e for e in events if e.type == "payment_intent.succeeded" and e.data.object.id == intent_id)
    payload = json.dumps(event.to_dict()).encode()
    events_before = order.events.count()
    response = client.post(
        "/payments/stripe/webhook/", payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signed(payload)
    )
    assert response.json() == {"received": True, "replay": True}
    assert order.events.count() == events_before
    assert Payment.objects.count() == 1


def test_an_automatic_refund_on_rejection(localstripe_webhooks, online_order, customer, manager):
    order = online_order()
    outcome = card.card_payment_start(order_id=order.pk, customer=customer, token=card_token(SUCCEEDS))
    transitions.order_status_change(order=order.pk, actor=manager, status="rejected", note="Out of lemons")
    refund = Refund.objects.get()
    assert (refund.status, refund.amount) == ("succeeded", order.total)
    refunds = gateway.stripe_client().v1.refunds.list(params={"payment_intent": outcome.payment.provider_id}).data
    assert [(r.id, r.amount) for r in refunds] == [(refund.provider_id, 2500)]


def test_a_partial_refund(localstripe_webhooks, online_order, customer, manager):
    from decimal import Decimal

    order = online_order()
    outcome = card.card_payment_start(order_id=order.pk, customer=customer, token=card_token(SUCCEEDS))
    services.refund_request(order=order.pk, actor=manager, amount=Decimal("7.50"), reason="Missing side")
    payment = Payment.objects.get()
    assert (payment.status, payment.amount_refunded) == ("partially_refunded", Decimal("7.50"))
    refunds = gateway.stripe_client().v1.refunds.list(params={"payment_intent": outcome.payment.provider_id}).data
    assert [r.amount for r in refunds] == [750]
    assert Refund.objects.get().status == "succeeded"
