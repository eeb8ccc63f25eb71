"""The handlers the relay delivers events to, registered by the apps that own them.

A handler names the targets an event goes to (`targets`: `["email"]`, `["webhook:3", "webhook:7"]`)
and sends one delivery (`deliver`). Delivery is at least once: a handler must make a repeat
harmless, by sending the delivery's id along (the e-mail's Message-ID, the webhook's delivery
header) so the receiver drops a copy, or by writing idempotently.
"""

from typing import Protocol

from .models import Delivery, OutboxEvent


class DeliveryFailed(Exception):
    """A delivery did not go through. `permanent`: trying again cannot help (dead-letter now)."""

    def __init__(self, message: str, *, response_code: int | None = None, permanent: bool = False) -> None:
        super().__init__(message)
        self.response_code = response_code
        self.permanent = permanent


class Handler(Protocol):
    prefix: str  # the part of a target before ":", e.g. "email", "webhook"

    def targets(self, event: OutboxEvent) -> list[str]: ...

    def deliver(self, delivery: Delivery, event: OutboxEvent) -> int | None:
        """Send it; return the receiver's response code if there is one; raise on failure."""
        ...


_handlers: dict[str, Handler] = {}


def handler_register(handler: Handler) -> None:
    """Called from an AppConfig.ready(); registering the same prefix again replaces it."""
    _handlers[handler.prefix] = handler


def handler_for(target: str) -> Handler | None:
    return _handlers.get(target.split(":", 1)[0])


def handlers_all() -> list[Handler]:
    return list(_handlers.values())
