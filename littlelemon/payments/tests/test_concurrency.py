"""The webhook and the customer's return arriving at the same moment, ten times in parallel: one
payment and one placed order each (real threads on one database; SQLite and PostgreSQL)."""

import json
from collections import Counter

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client

from littlelemon.accounts.enums import Role
from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.core.tests.concurrency import race
from littlelemon.events.models import OutboxEvent
from littlelemon.orders.models import Order, OrderEvent
from littlelemon.payments import card, services, webhooks
from littlelemon.payments.models import Payment, WebhookEvent

from .fakes import intent_event
from .test_webhooks import signed

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

ORDERS = 10


@pytest.fixture(autouse=True)
def _roles():
    for role in Role:
        Group.objects.get_or_create(name=role)


def _waiting_payments(fake_stripe, online_order):
    """Ten orders, each with an attempt Stripe has just charged (the webhook and the return both
    about to say so)."""
    waiting = []
    for n in range(ORDERS):
        customer = UserFactory()
        order = online_order(user=customer)
        with transaction.atomic():
            payment = services.payment_attempt_create(order=Order.objects.select_for_update().get(pk=order.pk))
        intent_id = f"pi_race_{n}"
        Payment.objects.filter(pk=payment.pk).update(provider_id=intent_id)
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "status": "succeeded",
            "amount": 2500,
            "metadata": {"payment_id": str(payment.pk)},
        }
        fake_stripe.intents[intent_id] = intent
        waiting.append((customer, order, intent))
    return waiting


def _assert_one_payment_and_one_placement_each(waiting):
    for _, order, _ in waiting:
        order.refresh_from_db()
        assert order.status == "placed"
        assert list(Payment.objects.filter(order=order).values_list("status", flat=True)) == ["succeeded"]
        assert OrderEvent.objects.filter(order=order, kind="status_changed", to_status="placed").count() == 1
        assert OrderEvent.objects.filter(order=order, kind="payment").count() == 1
        assert OutboxEvent.objects.filter(type="order.placed", aggregate_id=str(order.pk)).count() == 1
    assert WebhookEvent.objects.count() == ORDERS


def test_webhook_and_return_at_once_ten_times_make_one_payment_and_one_placement_each(fake_stripe, online_order):
    waiting = _waiting_payments(fake_stripe, online_order)
    calls = []
    for n, (customer, order, intent) in enumerate(waiting):
        event = intent_event(intent, "payment_intent.succeeded", f"evt_race_{n}")
        calls.append(lambda event=event: webhooks.event_handle(event))
        calls.append(
            lambda customer=customer, order=order, intent=intent: (
                card.card_payment_return(order_id=order.pk, customer=customer, intent_id=intent["id"]).status
            )
        )

    results = race(calls)

    errors = [result for result in results if isinstance(result, BaseException)]
    assert not errors, errors
    assert Counter(results) == {True: ORDERS, "succeeded": ORDERS}
    _assert_one_payment_and_one_placement_each(waiting)


@pytest.mark.postgresql
def test_over_http_on_postgresql(fake_stripe, online_order):
    """The same race through the endpoints: Stripe's signed POST and the customer's GET."""
    waiting = _waiting_payments(fake_stripe, online_order)
    calls = []
    for n, (customer, order, intent) in enumerate(waiting):
        payload = json.dumps(intent_event(intent, "payment_intent.succeeded", f"evt_http_{n}")).encode()
        stripe_client, browser = Client(), Client()
        browser.force_login(customer)
        calls.append(
            lambda c=stripe_client, p=payload: (
                c.post(
                    "/payments/stripe/webhook/", p, content_type="application/json", HTTP_STRIPE_SIGNATURE=signed(p)
                ).status_code
            )
        )
        calls.append(
            lambda c=browser, o=order, i=intent: (
                c.get(f"/orders/{o.pk}/pay/return/", {"payment_intent": i["id"]}).status_code
            )
        )

    results = race(calls)

    assert Counter(results) == {200: ORDERS, 302: ORDERS}, results
    _assert_one_payment_and_one_placement_each(waiting)
