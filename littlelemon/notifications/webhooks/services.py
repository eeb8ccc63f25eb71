"""Writes to webhook endpoints (managers) and "redeliver".

Each write is recorded in the audit trail with its actor (None for the sender that disables an
endpoint on a 410), never with the secret.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from littlelemon.audit.services import audit_changes, audit_record, audit_snapshot
from littlelemon.core.exceptions import InvalidInput, NotFound
from littlelemon.events.models import Delivery
from littlelemon.events.relay import deliveries_retry

from ..models import WebhookEndpoint
from .addresses import destination_resolve
from .catalogue import EVENT_TYPES
from .exceptions import DeliveryInFlight, UnknownEventType, WebhookEndpointDisabled
from .signing import secret_generate

#: What the audit trail records of an endpoint: everything but the secret.
AUDITED = ["url", "description", "event_types", "active", "disabled_reason", "disabled_at"]
REASON_MAX_CHARS = 500


def event_types_clean(event_types: Any) -> list[str]:
    """The chosen types, without repeats, in catalogue order. Raises UnknownEventType or
    InvalidInput (none chosen)."""
    if not isinstance(event_types, list | tuple) or not all(isinstance(name, str) for name in event_types):
        raise InvalidInput("Give the event types as a list of names.", field="event_types")
    unknown = sorted({name for name in event_types if name not in EVENT_TYPES})
    if unknown:
        raise UnknownEventType(
            f"Unknown event type{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
            f"Known: {', '.join(EVENT_TYPES)}.",
            field="event_types",
            extra={"known_event_types": list(EVENT_TYPES)},
        )
    if not event_types:
        raise InvalidInput("Choose at least one event type.", field="event_types")
    return [name for name in EVENT_TYPES if name in event_types]


def url_clean(url: str) -> str:
    """The URL, stripped, when it may receive webhooks now. Raises WebhookUrlRefused or
    WebhookHostUnresolved (addresses.destination_resolve)."""
    url = url.strip()
    destination_resolve(url)
    return url


@transaction.atomic
def webhook_endpoint_create(
    *, url: str, event_types: list[str], description: str = "", actor: Any = None
) -> WebhookEndpoint:
    """Register an endpoint with a new secret (`endpoint.secret`: show it to the caller once).

    Raises UnknownEventType, InvalidInput, WebhookUrlRefused or WebhookHostUnresolved; nothing is
    written then.
    """
    event_types = event_types_clean(event_types)
    url = url_clean(url)
    endpoint = WebhookEndpoint.objects.create(
        url=url,
        event_types=event_types,
        description=description,
        secret=secret_generate(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _audit(actor, "webhook_endpoint.create", endpoint, {})
    return endpoint


@transaction.atomic
def webhook_endpoint_update(*, endpoint: WebhookEndpoint, data: dict[str, Any], actor: Any = None) -> WebhookEndpoint:
    """Change the URL, event types, description or `active`. Activating an endpoint clears its
    disabled reason and checks its URL again. Locks the endpoint row.

    Raises as webhook_endpoint_create; nothing is written then.
    """
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = audit_snapshot(endpoint, fields=AUDITED)
    if "event_types" in data:
        endpoint.event_types = event_types_clean(data["event_types"])
    if "description" in data:
        endpoint.description = data["description"]
    activating = data.get("active") is True and not endpoint.active
    if "url" in data or activating:
        endpoint.url = url_clean(data.get("url", endpoint.url))
    if activating:
        endpoint.active, endpoint.disabled_reason, endpoint.disabled_at = True, "", None
    elif data.get("active") is False and endpoint.active:
        _disabled(endpoint, f"Deactivated by {getattr(actor, 'username', 'the restaurant')}.")
    endpoint.save()
    _audit(actor, "webhook_endpoint.update", endpoint, before)
    return endpoint


@transaction.atomic
def webhook_endpoint_disable(*, endpoint: WebhookEndpoint | int, reason: str, actor: Any = None) -> WebhookEndpoint:
    """Stop sending to the endpoint (it keeps its log). Its pending deliveries fail permanently
    when next tried. Disabling a disabled endpoint changes nothing. Locks the endpoint row."""
    pk = endpoint if isinstance(endpoint, int) else endpoint.pk
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=pk)
    if not endpoint.active:
        return endpoint
    before = audit_snapshot(endpoint, fields=AUDITED)
    _disabled(endpoint, reason)
    endpoint.save()
    _audit(actor, "webhook_endpoint.disable", endpoint, before)
    return endpoint


@transaction.atomic
def webhook_endpoint_secret_rotate(*, endpoint: WebhookEndpoint, actor: Any = None) -> WebhookEndpoint:
    """A new secret (`endpoint.secret`: show it once); deliveries are signed with it from now on,
    retries of older ones included. Locks the endpoint row."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.secret = secret_generate()
    endpoint.save(update_fields=["secret", "updated"])
    audit_record(actor=actor, action="webhook_endpoint.rotate_secret", target=endpoint, changes={})
    return endpoint


@transaction.atomic
def webhook_redeliver(*, endpoint: WebhookEndpoint, delivery_id: Any, actor: Any = None) -> Delivery:
    """Send one of the endpoint's deliveries again, now, with the same delivery id (the receiver
    may drop it if it already has it). Locks the delivery row.

    Raises NotFound (not one of this endpoint's deliveries), WebhookEndpointDisabled (409) or
    DeliveryInFlight (409: a worker is sending it).
    """
    delivery = Delivery.objects.select_for_update().filter(pk=delivery_id, target=endpoint.target).first()
    if delivery is None:
        raise NotFound("This endpoint has no such delivery.")
    if not WebhookEndpoint.objects.filter(pk=endpoint.pk, active=True).exists():
        raise WebhookEndpointDisabled(
            f"Endpoint #{endpoint.pk} is disabled ({endpoint.disabled_reason or 'no reason given'}): "
            "activate it before redelivering."
        )
    if delivery.leased_until is not None and delivery.leased_until > timezone.now():
        raise DeliveryInFlight(f"Delivery {delivery.pk} is being sent right now: look at its log in a moment.")
    deliveries_retry([delivery])
    audit_record(
        actor=actor,
        action="webhook_endpoint.redeliver",
        target=endpoint,
        changes={"delivery": {"before": None, "after": str(delivery.pk)}},
    )
    delivery.refresh_from_db()
    return delivery


def _disabled(endpoint: WebhookEndpoint, reason: str) -> None:
    endpoint.active = False
    endpoint.disabled_reason = reason[:REASON_MAX_CHARS]
    endpoint.disabled_at = timezone.now()


def _audit(actor: Any, action: str, endpoint: WebhookEndpoint, before: dict[str, Any]) -> None:
    if changes := audit_changes(before, audit_snapshot(endpoint, fields=AUDITED)):
        audit_record(actor=actor, action=action, target=endpoint, changes=changes)
