"""What a delivery's POST carries: the JSON body and the headers that sign and identify it.

The signature is `Little-Lemon-Signature: t=<unix time>,v1=<hex HMAC-SHA256>` computed with the
endpoint's secret (its UTF-8 bytes) over `<t>.` followed by the exact body bytes. The receiver
recomputes it (docs/webhooks.md has the snippet) and refuses an old `t`, so a captured delivery
cannot be replayed later.
"""

import hashlib
import hmac
import json
import secrets

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from littlelemon.events.models import Delivery, OutboxEvent

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix that makes a leaked secret recognisable)
SIGNATURE_HEADER = "Little-Lemon-Signature"
DELIVERY_HEADER = "Little-Lemon-Delivery"
EVENT_HEADER = "Little-Lemon-Event"


def secret_generate() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def delivery_body(delivery: Delivery, event: OutboxEvent) -> bytes:
    """`{"id": delivery id, "type", "created", "data": the event's payload}`, the same bytes on
    every attempt of the delivery."""
    document = {"id": str(delivery.pk), "type": event.type, "created": event.created, "data": event.payload}
    return json.dumps(document, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False).encode()


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The Little-Lemon-Signature header's value."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def delivery_headers(*, delivery: Delivery, event: OutboxEvent, secret: str, timestamp: int, body: bytes) -> dict:
    return {
        "Content-Type": "application/json",
        "User-Agent": f"LittleLemon-Webhooks/{settings.RELEASE}",
        SIGNATURE_HEADER: signature(secret=secret, timestamp=timestamp, body=body),
        DELIVERY_HEADER: str(delivery.pk),
        EVENT_HEADER: event.type,
    }
