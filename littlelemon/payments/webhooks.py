"""Stripe's webhook: events verified with `stripe.Webhook.construct_event` (a bad or old
signature changes nothing), each event id handled once, in any order.

| event                                  | what it does                                       |
|----------------------------------------|----------------------------------------------------|
| `payment_intent.succeeded`             | the payment succeeded; its order is placed (once)  |
| `payment_intent.payment_failed`        | the attempt failed (not after it succeeded)        |
| `charge.refunded`, `refund.*`          | a refund we asked for is confirmed (once)          |

A `succeeded` after a `failed` (a retry that worked) still places the order; a `failed` after a
`succeeded` changes nothing; a refund's confirmation may come before Stripe's answer to our own
call (found by the `refund_id` in its metadata); a refund we hold as failed that Stripe says
succeeded is corrected to succeeded (Stripe is the truth).
"""

import logging
from typing import Any

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction

from . import services
from .models import Refund, WebhookEvent

logger = logging.getLogger(__name__)


class BadSignature(Exception):
    pass


def event_verified(payload: bytes, signature: str) -> Any:
    """The event, if `signature` (the Stripe-Signature header) is Stripe's for `payload` with
    STRIPE_WEBHOOK_SECRET and recent (5 minutes). Raises BadSignature."""
    try:
        return stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    except (ValueError, stripe.SignatureVerificationError) as error:
        raise BadSignature(str(error)) from None


def event_handle(event: Any) -> bool:
    """Apply a verified event, once: False when its id was handled before (a replay)."""
    event = event.to_dict() if hasattr(event, "to_dict") else event
    with transaction.atomic():
        try:
            with transaction.atomic():
                WebhookEvent.objects.create(event_id=event["id"], type=event["type"])
        except IntegrityError:
            return False
        _apply(event["type"], event["data"]["object"])
    return True


def _apply(event_type: str, obj: Any) -> None:
    if event_type in ("payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.canceled"):
        services.payment_intent_apply(obj)
    elif event_type == "charge.refunded":
        for refund in (obj.get("refunds") or {}).get("data") or []:
            _refund_apply(refund)
    elif event_type.startswith("refund.") or event_type == "charge.refund.updated":
        _refund_apply(obj)


def _refund_apply(obj: Any) -> None:
    metadata = obj.get("metadata") or {}
    refund = Refund.objects.filter(provider_id=obj["id"]).first()
    if refund is None and str(metadata.get("refund_id", "")).isdigit():
        refund = Refund.objects.filter(pk=int(metadata["refund_id"])).first()
    if refund is None:
        logger.info("a refund made elsewhere (not in the ledger): %s", obj.get("id"))
        return
    services.refund_confirmed(refund_id=refund.pk, provider_id=obj["id"], status=obj.get("status") or "")
