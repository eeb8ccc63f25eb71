"""Where the current change comes from (client address, user agent), for the audit trail.

Services receive the actor explicitly (`actor=`), as every other input. The address and user
agent are facts of the HTTP request, which services never see: `AuditContextMiddleware` puts
them here for the length of a request and `audit_record()` reads them. Outside a request
(commands, the shell, tests calling services) there are none and the entry leaves them empty.
"""

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

from littlelemon.core.http import client_address


@dataclass(frozen=True)
class RequestOrigin:
    ip_address: str | None
    user_agent: str


_origin: ContextVar[RequestOrigin | None] = ContextVar("audit_request_origin", default=None)


def current_origin() -> RequestOrigin | None:
    return _origin.get()


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        origin = RequestOrigin(
            ip_address=client_address(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:255]
        )
        token = _origin.set(origin)
        try:
            return self.get_response(request)
        finally:
            _origin.reset(token)
