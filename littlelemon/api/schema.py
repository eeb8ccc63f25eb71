"""OpenAPI generation: every operation documents the error responses it can give.

The property-based tests (schemathesis, `make fuzz`) check that each status the API answers is
documented, so the error responses every endpoint shares are added here once instead of on
every view. A view documents the domain errors only it raises (a 409, say) with
`extend_schema(responses={..., 409: ErrorSerializer})`; the description comes from here.
"""

from drf_spectacular import openapi
from rest_framework.permissions import AllowAny

from littlelemon.apikeys.authentication import ApiKeyAuthentication

from .serializers import ErrorSerializer

_DESCRIPTIONS = {
    "400": "Invalid input: `fields` names each problem.",
    "401": "Not signed in, or the access token is invalid or expired.",
    "403": "Signed in without the role this action needs (or a session write without its CSRF token).",
    "404": "No such object, or not one you may see.",
    "406": "None of the formats in `Accept` or `?format=` can be produced.",
    "409": "The request conflicts with the current state: `detail` says why.",
    "413": "The request body is larger than the configured limit (refused by the proxy or by the app).",
    "414": "The request URI is longer than the proxy accepts (deploy/nginx: 4 KiB request line).",
    "415": "The request body's content type is not supported.",
    "429": "Too many requests (or log-in attempts); `Retry-After` says when to try again.",
    "431": "A request header (or the cookies) is larger than the proxy accepts (deploy/nginx: 4 KiB a line).",
    "503": "The database does not answer; `Retry-After` says when to try again.",
}


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code, direction=direction)
        for code, response in responses.items():
            if code in _DESCRIPTIONS and not response.get("description"):
                response["description"] = _DESCRIPTIONS[code]
        return responses

    def _error_codes(self) -> list[str]:
        # 414 and 431 come from the proxy in front (deploy/nginx), in this same error shape.
        codes = ["400", "401", "406", "414", "429", "431", "503"]
        public = all(isinstance(permission, AllowAny) for permission in self.view.get_permissions())
        # An API key is refused with a 403 wherever keys are read and it lacks the scope (or
        # keys are not taken), public reads included (littlelemon.apikeys.authentication).
        takes_api_keys = any(isinstance(auth, ApiKeyAuthentication) for auth in self.view.get_authenticators())
        if not public or self.method not in ("GET", "HEAD", "OPTIONS") or takes_api_keys:
            codes.append("403")  # a role check, CSRF for a session-authenticated write, an API key's scope
        guest_cart = any(getattr(p, "name", None) == "X-Cart-Token" for p in self.get_override_parameters())
        if "{" in self.path or self._is_list_view() or guest_cart:
            codes.append("404")  # an unknown id, a page past the end, an X-Cart-Token naming no cart
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["413", "415"]
        return codes


# --- links: from a list (or a create) to the operations on one of its objects ---------------------

#: (path, method, status, where the id is) -> (path parameter, operations on that object).
#: Clients may follow them, and so may schemathesis' stateful phase, to reach the operations on
#: real objects (demo bookings, orders, cart lines, closures, role members) instead of random
#: ids' 404s. (How far it gets depends on its budget: at 50 examples it covers few of them.)
_FIRST = "$response.body#/results/0/id"
_CREATED = "$response.body#/id"
_BOOKING_OPERATIONS = ["bookings_retrieve", "bookings_partial_update", "bookings_destroy", "bookings_status_create"]
_ORDER_OPERATIONS = ["orders_retrieve", "orders_status_create", "orders_assign_create", "orders_events_list"]
_CART_LINE_OPERATIONS = ["cart_items_partial_update", "cart_items_destroy"]
_CLOSURE_OPERATIONS = ["closures_retrieve", "closures_update", "closures_partial_update", "closures_destroy"]
_API_KEY_OPERATIONS = ["api_keys_retrieve", "api_keys_destroy", "api_keys_revoke_create"]
LINKS: dict[tuple[str, str, str, str], tuple[str, list[str]]] = {
    ("/api/v1/bookings/", "get", "200", _FIRST): ("id", _BOOKING_OPERATIONS),
    ("/api/v1/bookings/", "post", "201", _CREATED): ("id", _BOOKING_OPERATIONS),
    ("/api/v1/orders/", "get", "200", _FIRST): ("id", _ORDER_OPERATIONS),
    ("/api/v1/orders/", "post", "201", _CREATED): ("id", _ORDER_OPERATIONS),
    ("/api/v1/cart/", "get", "200", "$response.body#/items/0/id"): ("id", _CART_LINE_OPERATIONS),
    ("/api/v1/cart/items/", "post", "201", _CREATED): ("id", _CART_LINE_OPERATIONS),
    ("/api/v1/cart/items/", "post", "200", _CREATED): ("id", _CART_LINE_OPERATIONS),
    ("/api/v1/closures/", "get", "200", _FIRST): ("id", _CLOSURE_OPERATIONS),
    ("/api/v1/closures/", "post", "201", _CREATED): ("id", _CLOSURE_OPERATIONS),
    ("/api/v1/api-keys/", "get", "200", "$response.body#/results/0/prefix"): ("prefix", _API_KEY_OPERATIONS),
    ("/api/v1/api-keys/", "post", "201", "$response.body#/prefix"): ("prefix", _API_KEY_OPERATIONS),
    **{
        (f"/api/v1/groups/{role}/users/", method, status, where): (
            "user_id",
            [f"groups_{role.replace('-', '_')}_users_destroy"],
        )
        for role in ("manager", "kitchen", "delivery-crew")
        for method, status, where in (("get", "200", _FIRST), ("post", "201", _CREATED))
    },
}


def add_links(result: dict, generator, request, public) -> dict:
    """drf-spectacular post-processing hook: add LINKS to the responses they start from."""
    operation_ids = {
        operation.get("operationId")
        for operations in result.get("paths", {}).values()
        for operation in operations.values()
    }
    for (path, method, status, where), (parameter, targets) in LINKS.items():
        response = result.get("paths", {}).get(path, {}).get(method, {}).get("responses", {}).get(status)
        if response is None:
            continue
        links = response.setdefault("links", {})
        for operation_id in targets:
            if operation_id in operation_ids:
                links[operation_id] = {"operationId": operation_id, "parameters": {parameter: where}}
    return result
