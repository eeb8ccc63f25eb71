"""The outbox handler for webhooks: one signed POST per delivery (targets "webhook:<endpoint id>").

2xx is delivered. 410 Gone disables the endpoint and fails the delivery for good. Any other
answer, a redirect (never followed), a timeout (WEBHOOKS_TIMEOUT_SECONDS) or a connection error
fails the attempt with its response code, and the relay retries it with backoff until it
dead-letters it. A delivery whose endpoint was disabled or deleted, or whose URL now resolves
inside the network, fails for good.
"""

import time

import urllib3
from django.conf import settings

from littlelemon.events.handlers import DeliveryFailed
from littlelemon.events.models import Delivery, OutboxEvent

from ..models import WebhookEndpoint
from .addresses import Destination, destination_resolve
from .exceptions import WebhookHostUnresolved, WebhookUrlRefused
from .selectors import webhook_endpoint_ids_for
from .services import webhook_endpoint_disable
from .signing import delivery_body, delivery_headers

PREFIX = "webhook"


class WebhookHandler:
    prefix = PREFIX

    def targets(self, event: OutboxEvent) -> list[str]:
        return [f"{PREFIX}:{pk}" for pk in webhook_endpoint_ids_for(event_type=event.type)]

    def deliver(self, delivery: Delivery, event: OutboxEvent) -> int | None:
        return webhook_deliver(delivery=delivery, event=event)


def webhook_deliver(*, delivery: Delivery, event: OutboxEvent) -> int:
    """POST the delivery to its endpoint. Returns the 2xx status; raises DeliveryFailed."""
    endpoint = _endpoint(delivery)
    try:
        destination = destination_resolve(endpoint.url)
    except WebhookUrlRefused as refusal:
        raise DeliveryFailed(f"Not sent: {refusal.message}", permanent=True) from None
    except WebhookHostUnresolved as failure:
        raise DeliveryFailed(f"Not sent: {failure.message}") from None
    body = delivery_body(delivery, event)
    headers = delivery_headers(
        delivery=delivery, event=event, secret=endpoint.secret, timestamp=int(time.time()), body=body
    )
    status = _post(destination, body=body, headers=headers)
    if 200 <= status < 300:
        return status
    if status == 410:
        webhook_endpoint_disable(
            endpoint=endpoint.pk, reason=f"The receiver answered 410 Gone to delivery {delivery.pk}."
        )
        raise DeliveryFailed("The receiver answered 410 Gone: endpoint disabled.", response_code=410, permanent=True)
    if 300 <= status < 400:
        raise DeliveryFailed(f"The receiver answered {status}: redirects are not followed.", response_code=status)
    raise DeliveryFailed(f"The receiver answered {status}.", response_code=status)


def _endpoint(delivery: Delivery) -> WebhookEndpoint:
    endpoint_id = delivery.target.partition(":")[2]
    endpoint = WebhookEndpoint.objects.filter(pk=int(endpoint_id) if endpoint_id.isdigit() else None).first()
    if endpoint is None:
        raise DeliveryFailed(f"Not sent: endpoint {endpoint_id} no longer exists.", permanent=True)
    if not endpoint.active:
        raise DeliveryFailed(
            f"Not sent: endpoint #{endpoint.pk} is disabled ({endpoint.disabled_reason or 'no reason given'}).",
            permanent=True,
        )
    return endpoint


def _post(destination: Destination, *, body: bytes, headers: dict) -> int:
    """One POST to the checked address (never the name resolved again), no retries, no redirects.
    Returns the status; raises DeliveryFailed on a timeout or a connection error."""
    seconds = settings.WEBHOOKS_TIMEOUT_SECONDS
    options = {"timeout": urllib3.Timeout(total=seconds), "retries": False, "maxsize": 1}
    if destination.scheme == "https":
        pool: urllib3.HTTPConnectionPool = urllib3.HTTPSConnectionPool(
            destination.address,
            destination.port,
            cert_reqs="CERT_REQUIRED",
            ca_certs=settings.WEBHOOKS_CA_BUNDLE or None,  # None: the system's certificate authorities
            server_hostname=destination.host,
            assert_hostname=destination.host,
            **options,
        )
    else:
        pool = urllib3.HTTPConnectionPool(destination.address, destination.port, **options)
    try:
        with pool:
            response = pool.urlopen(
                "POST",
                destination.target,
                body=body,
                headers={**headers, "Host": destination.host_header},
                redirect=False,
                assert_same_host=False,
                preload_content=False,
            )
            response.close()  # the answer's body is not read: its status is the answer
            return response.status
    except urllib3.exceptions.NewConnectionError as error:  # a subclass of the timeout error: first
        raise DeliveryFailed(f"Could not reach the receiver: {error}") from None
    except urllib3.exceptions.TimeoutError:
        raise DeliveryFailed(f"The receiver did not answer within {seconds:g} seconds.") from None
    except (urllib3.exceptions.HTTPError, OSError) as error:
        raise DeliveryFailed(f"Could not reach the receiver: {error}") from None
