"""One log line per request, and the request id that ties a customer's complaint to it.

The id is API Gateway's own request id on AWS Lambda, else the proxy's when there is one to
trust (`TRUSTED_PROXIES > 0`: nginx sets `X-Request-ID` to its `$request_id`, so its access log
and ours share it), and is generated otherwise: a client's own
`X-Request-ID` is never believed without a trusted proxy, so nobody can make their requests
look like someone else's in the logs. It is echoed in the `X-Request-ID` response header, put
in the API's error bodies (littlelemon.api.exceptions.error_body) and on the 500 page, and
bound to every log line written while the request is served.
"""

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar

import structlog
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from littlelemon.core.http import client_address

HEADER = "X-Request-ID"
#: What an upstream id may look like: nginx's 32 hex digits, a UUID, AWS's ids (API Gateway's
#: are base64, so they may start with "+" or "/"); nothing that could break a log line or a
#: response header, nor start like an option ("-").
_VALID_ID = re.compile(r"^[A-Za-z0-9+/][A-Za-z0-9._:@+=/-]{0,127}$")

_current_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

logger = structlog.get_logger("littlelemon.request")


def current_request_id() -> str | None:
    """The id of the request being served in this thread or task, None outside a request."""
    return _current_request_id.get()


def request_id_for(request: HttpRequest) -> str:
    """The upstream id when it comes from someone trusted and looks like an id, else a new one."""
    candidates = []
    # apig-wsgi (config/lambda_handler.py) passes API Gateway's context, written by AWS: first,
    # because API Gateway forwards a client's own X-Request-ID untouched.
    gateway = request.META.get("apig_wsgi.request_context")
    if isinstance(gateway, dict):
        candidates.append(str(gateway.get("requestId") or ""))
    if settings.TRUSTED_PROXIES > 0:
        candidates.append(request.headers.get(HEADER, ""))
    for candidate in candidates:
        candidate = candidate.strip()
        if _VALID_ID.match(candidate):
            return candidate
    return uuid.uuid4().hex


def _user_id(request: HttpRequest) -> int | str | None:
    # DRF puts the user it authenticated (a bearer token's) on the request too; the session's
    # user is loaded lazily and most pages have loaded it already.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if getattr(user, "is_integration", False):  # a request made with an API key: no user, the key
        return f"api-key:{user.api_key.prefix}"
    return user.pk


class RequestLogMiddleware:
    """Binds the request id, echoes it, and logs the request once it is answered:
    `method`, `path` (without the query string, which may carry secrets), `status`,
    `duration_ms`, `user_id`, `client` and `request_id`. Goes first in MIDDLEWARE, so that every
    answer, those of the other middlewares included, gets the header and the line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = request_id_for(request)
        request.request_id = request_id
        token = _current_request_id.set(request_id)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            status = response.status_code
            logger.log(
                logging.ERROR if status >= 500 else logging.INFO,
                "request",
                method=request.method,
                path=request.path,
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
                user_id=_user_id(request),
                client=client_address(request),
            )
            return response
        finally:
            # The structlog binding stays until the request is finished (`request_finished`),
            # so that Django's own lines about the response ("Not Found: ...") carry the id too.
            _current_request_id.reset(token)


def forget_request(**kwargs) -> None:
    """`request_finished` receiver: nothing logged after the request carries its id."""
    structlog.contextvars.clear_contextvars()
