from littlelemon.core.exceptions import Conflict, InvalidInput


class WebhookUrlRefused(InvalidInput):
    """The URL may not be called: not https, credentials in it, or an address inside the network."""

    code = "webhook_url_refused"
    default_message = "This URL may not receive webhooks."


class WebhookHostUnresolved(InvalidInput):
    code = "webhook_host_unresolved"
    default_message = "The URL's host name could not be resolved."


class UnknownEventType(InvalidInput):
    code = "unknown_event_type"
    default_message = "Unknown event type."


class WebhookEndpointDisabled(Conflict):
    code = "webhook_endpoint_disabled"
    default_message = "The endpoint is disabled: activate it first."


class DeliveryInFlight(Conflict):
    code = "delivery_in_flight"
    default_message = "The delivery is being sent right now."
