"""The e-mail handler of the outbox relay: target "email" for each event that mails a customer
with an address, one message per delivery, sent through Django's e-mail backend (EMAIL_URL).

Delivery is at least once: a send repeated after a crash carries the same Message-ID (from the
delivery id), which receiving mail systems and clients use to drop the copy.
"""

import logging
import smtplib

from littlelemon.accounts.models import User
from littlelemon.events.handlers import DeliveryFailed
from littlelemon.events.models import Delivery, OutboxEvent
from littlelemon.orders.models import Order

from .catalogue import email_kind, email_recipient_id
from .compose import email_compose, email_message

logger = logging.getLogger(__name__)

TARGET = "email"


class EmailHandler:
    prefix = TARGET

    def targets(self, event: OutboxEvent) -> list[str]:
        """["email"] when the event means an e-mail and its customer has an address (one query), else []."""
        kind = email_kind(event.type, event.payload)
        if kind is None:
            return []
        customer_id = email_recipient_id(kind, event.payload)
        if customer_id is None:  # a guest's order: mailed to the guest's address
            order_id = event.payload.get("order_id") if event.aggregate == "order" else None
            guest_order = Order.objects.filter(pk=order_id, customer__isnull=True).exclude(guest_email="")
            return [TARGET] if order_id is not None and guest_order.exists() else []
        if not User.objects.filter(pk=customer_id).exclude(email="").exists():
            return []
        return [TARGET]

    def deliver(self, delivery: Delivery, event: OutboxEvent) -> int | None:
        composed = email_compose(event)
        if composed is None:
            raise DeliveryFailed("The customer has no e-mail address any more.", permanent=True)
        message = email_message(delivery=delivery, composed=composed)
        try:
            message.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as refused:
            raise DeliveryFailed(f"The mail server refused the address: {refused.recipients}", permanent=True) from None
        logger.info("e-mail %s sent for %s (delivery %s)", composed.kind, event, delivery.pk)
        return None
