"""The customer hears of every refund (payment.refunded → payment_refunded), and a card order paid
online gets its receipt when the payment succeeds (not before)."""

from decimal import Decimal

import pytest
from django.core import mail

from littlelemon.accounts.tests.factories import UserFactory
from littlelemon.events.relay import relay_run
from littlelemon.orders import transitions
from littlelemon.orders.tests.factories import OrderFactory
from littlelemon.payments import card, services

from .fakes import SUCCEEDS

pytestmark = pytest.mark.django_db


def test_a_refund_is_mailed_to_the_customer(crew_user, manager):
    customer = UserFactory(email="ada@example.com", first_name="Ada")
    order = OrderFactory(customer=customer, status="out_for_delivery", delivery_crew=crew_user, payment_method="cash")
    transitions.order_status_change(order=order, actor=crew_user, status="delivered")
    relay_run()
    mail.outbox.clear()
    services.refund_request(order=order.pk, actor=manager, amount=Decimal("3.00"), reason="Soup <b>cold</b>")
    relay_run()
    (message,) = mail.outbox
    assert message.to == ["ada@example.com"]
    assert message.subject == f"A refund of $3.00 for your order #{order.pk}"
    assert "Reason: Soup <b>cold</b>" in message.body
    assert "handed back to you in person" in message.body
    html = message.alternatives[0][0]
    assert "Soup &lt;b&gt;cold&lt;/b&gt;" in html


def test_the_receipt_waits_for_the_online_payment(fake_stripe, online_order, django_capture_on_commit_callbacks):
    customer = UserFactory(email="bo@example.com")
    order = online_order(user=customer)
    relay_run()
    assert mail.outbox == []
    card.card_payment_start(order_id=order.pk, customer=customer, token=fake_stripe.token_for(SUCCEEDS))
    relay_run()
    (receipt,) = mail.outbox
    assert "Card online, paid" in receipt.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        transitions.order_status_change(order=order, actor=customer, status="cancelled")
    relay_run()
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == [f"A refund of $25.00 for your order #{order.pk}", f"Your order #{order.pk} is cancelled"]
    cancelled = next(m for m in mail.outbox if "cancelled" in m.subject)
    assert "Your payment is refunded in full." in cancelled.body
