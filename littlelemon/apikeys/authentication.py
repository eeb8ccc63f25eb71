"""`Authorization: Api-Key <key>`: the API's authentication for integrations.

After the JWT and session classes: a request with a bearer token or a session is a person's.
A valid key authenticates the request as the key's integration (`request.user` is an
`Integration`, never a user; `request.auth` is the ApiKey), and only at views that name the
scope a key needs for the method (`api_key_scopes`, littlelemon.apikeys.scopes): anywhere else,
or without that scope, the request is refused here with a 403 before the view runs, so a view
written for people never sees a key. Malformed, unknown, revoked and expired keys are a 401.
"""

from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from . import selectors, services
from .exceptions import ApiKeyRefused
from .models import ApiKey
from .principal import Integration

KEYWORD = b"api-key"


def scope_required(view: Any, method: str) -> str | None:
    """The scope a key needs to call `view` with `method` (None: keys may not)."""
    return (getattr(view, "api_key_scopes", None) or {}).get(method.upper())


class ApiKeyAuthentication(BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request) -> tuple[Integration, ApiKey] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Malformed Authorization header: use `Api-Key <key>`.", code="invalid_api_key"
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid API key.", code="invalid_api_key") from None
        try:
            api_key = selectors.api_key_authenticate(key=key)
        except ApiKeyRefused as error:
            raise exceptions.AuthenticationFailed(error.message, code=error.code) from None
        self._check_scope(request, api_key)
        services.api_key_used(api_key=api_key)
        return Integration(api_key), api_key

    @staticmethod
    def _check_scope(request, api_key: ApiKey) -> None:
        view = (getattr(request, "parser_context", None) or {}).get("view")
        scope = scope_required(view, request.method)
        if scope is None:
            raise exceptions.PermissionDenied("API keys cannot be used here.", code="api_key_not_allowed")
        if not api_key.grants(scope):
            raise exceptions.PermissionDenied(f"This API key lacks the {scope} scope.", code="api_key_scope")

    def authenticate_header(self, request) -> str:
        return self.keyword
