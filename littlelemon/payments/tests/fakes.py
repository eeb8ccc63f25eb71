"""A fake of the few Stripe endpoints the card flow calls, as an HTTP client given to
`stripe.StripeClient` (no network): tokens, PaymentIntents (created and confirmed at once;
the card number decides: 4242... succeeds, ...0341 is declined, ...3155 needs 3-D Secure),
refunds. It records every request (method, path, form data, idempotency key).

Faults: `down` answers 500 to everything; `unreachable` raises a connection error before the
request gets anywhere; `answers_lost` does the request, then raises a connection error (Stripe
acted, the answer never came back); `refunds_refused` answers a refund with a 400."""

import itertools
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import stripe
from stripe._http_client import HTTPClient

SUCCEEDS = "4242424242424242"
DECLINED = "4000000000000341"
NEEDS_3DS = "4000002500003155"


class FakeStripe(HTTPClient):
    name = "fake"

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[dict[str, Any]] = []
        self.tokens: dict[str, str] = {}  # token id -> card number
        self.intents: dict[str, dict[str, Any]] = {}
        self.by_key: dict[str, dict[str, Any]] = {}  # idempotency key -> response
        self.refunds: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self.down = False
        self.unreachable = False
        self.answers_lost = False
        self.refunds_refused = ""

    def token_for(self, number: str) -> str:
        token = f"tok_{next(self._ids)}"
        self.tokens[token] = number
        return token

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        path = urlsplit(url).path
        data = {key: values[0] for key, values in parse_qs(post_data or "").items()}
        key = (headers or {}).get("Idempotency-Key", "")
        self.requests.append(
            {
                "method": method,
                "path": path,
                "data": data,
                "idempotency_key": key,
                "version": (headers or {}).get("Stripe-Version", ""),
            }
        )
        if self.unreachable:
            raise stripe.APIConnectionError("Could not connect to Stripe.")
        if self.down:
            return json.dumps({"error": {"type": "api_error", "message": "down"}}), 500, {}
        if key and key in self.by_key:
            body, status = self.by_key[key]
        else:
            body, status = self._route(method, path, data)
            if key and method == "post":
                self.by_key[key] = (body, status)
        if self.answers_lost:
            raise stripe.APIConnectionError("The connection was reset before Stripe's answer arrived.")
        return json.dumps(body), status, {}

    def _route(self, method: str, path: str, data: dict[str, str]) -> tuple[dict, int]:
        parts = path.strip("/").split("/")[1:]  # without "v1"
        if parts[0] == "tokens" and method == "get":
            return {"id": parts[1], "object": "token", "card": {"id": f"card_{parts[1]}", "object": "card"}}, 200
        if parts[:1] == ["payment_intents"] and method == "post" and len(parts) == 1:
            return self._intent_create(data)
        if parts[:1] == ["payment_intents"] and method == "get":
            return self.intents[parts[1]], 200
        if parts == ["refunds"] and method == "post" and self.refunds_refused:
            return {"error": {"type": "invalid_request_error", "message": self.refunds_refused}}, 400
        if parts == ["refunds"] and method == "post":
            refund = {
                "id": f"re_{next(self._ids)}",
                "object": "refund",
                "amount": int(data["amount"]),
                "payment_intent": data["payment_intent"],
                "status": "succeeded",
                "metadata": {k[9:-1]: v for k, v in data.items() if k.startswith("metadata[")},
            }
            self.refunds[refund["id"]] = refund
            return refund, 200
        return {"error": {"type": "invalid_request_error", "message": f"unknown {method} {path}"}}, 404

    def _intent_create(self, data: dict[str, str]) -> tuple[dict, int]:
        number = self.tokens.get(data["payment_method"].removeprefix("card_"), SUCCEEDS)
        intent = {
            "id": f"pi_{next(self._ids)}",
            "object": "payment_intent",
            "amount": int(data["amount"]),
            "currency": data["currency"],
            "client_secret": "",
            "metadata": {k[9:-1]: v for k, v in data.items() if k.startswith("metadata[")},
            "status": "succeeded",
            "last_payment_error": None,
        }
        intent["client_secret"] = f"{intent['id']}_secret_x"
        self.intents[intent["id"]] = intent
        if number == DECLINED:
            intent["status"] = "requires_payment_method"
            intent["last_payment_error"] = {"code": "card_declined", "message": "Your card was declined."}
            error = {
                "type": "card_error",
                "code": "card_declined",
                "message": "Your card was declined.",
                "payment_intent": intent,
            }
            return {"error": error}, 402
        if number == NEEDS_3DS:
            intent["status"] = "requires_action"
        return intent, 200

    def authenticate(self, intent_id: str, *, success: bool = True) -> None:
        """The customer passed (or failed) 3-D Secure."""
        intent = self.intents[intent_id]
        intent["status"] = "succeeded" if success else "requires_payment_method"
        if not success:
            intent["last_payment_error"] = {"message": "The provided PaymentMethod has failed authentication."}

    def posted(self, path: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["method"] == "post" and r["path"] == path]


def intent_event(intent: dict[str, Any], event_type: str, event_id: str) -> dict[str, Any]:
    return {"id": event_id, "object": "event", "type": event_type, "data": {"object": intent}}
