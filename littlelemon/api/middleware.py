"""What a client gets when the request itself is the problem (too large) or when the server is
(a database that does not answer, a bug): a short, stable answer, never a stack trace.

Under /api/ the answer is the API's JSON error shape; elsewhere (the admin, later the web
pages) it is plain text. These are generic: every view present and future is covered.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.log import log_response

from littlelemon.core.http import is_api_request

from .exceptions import SERVER_ERROR, SERVICE_UNAVAILABLE, error_body

logger = logging.getLogger("django.request")

#: Seconds a client is told to wait when the database is unreachable.
RETRY_AFTER_SECONDS = 30


def _answer(request: HttpRequest, status: int, detail: str, code: str) -> HttpResponse:
    if is_api_request(request):
        return JsonResponse(error_body(detail, code), status=status)
    return HttpResponse(detail, status=status, content_type="text/plain; charset=utf-8")


class RequestBodyLimitMiddleware:
    """Refuse a body larger than the configured limit before anything reads it: 413.

    The limit is `DATA_UPLOAD_MAX_MEMORY_SIZE` (env, default 1 MiB) for JSON and form bodies,
    and `UPLOAD_MAX_BYTES` (env, default 10 MiB) for multipart bodies that carry a photo.
    Django checks the first only when something reads the body (DRF's parsers do; the handler
    turns that RequestDataTooBig into a 413 too) and never limits uploaded files, which it
    spools to disk whatever their size. Here the Content-Length is enough to refuse, before
    authentication, the database or any parser: goes before any middleware that reads the body.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
        limit = settings.UPLOAD_MAX_BYTES if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            response = _answer(
                request,
                413,
                f"The request body is {length} bytes; this server accepts at most {limit}.",
                "request_too_large",
            )
            log_response("Request body too large: %s", request.path, response=response, request=request)
            return response
        return self.get_response(request)


class ServerErrorMiddleware:
    """An exception that escapes a view becomes an answer a client can act on.

    - The database does not answer (OperationalError, InterfaceError: refused, gone away,
      locked past the busy timeout): 503 `service_unavailable` with `Retry-After`, on every
      path. Django closes the broken connection at the end of the request and the next one
      reconnects, so the service recovers by itself when the database is back.
    - Anything else under /api/: a JSON 500 `server_error`, instead of Django's HTML page.

    Both are logged with the traceback on `django.request`, as Django logs its own 500s, and
    `got_request_exception` is sent for error reporters. Django offers a view's exception to
    the middlewares from the last up; this goes after every one that might want it first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OperationalError | InterfaceError):
            response = _answer(request, 503, *SERVICE_UNAVAILABLE)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        elif is_api_request(request) and not settings.DEBUG:
            response = _answer(request, 500, *SERVER_ERROR)
        else:
            return None  # Django's own handling: the debug page in development, handler500 otherwise
        got_request_exception.send(sender=self.__class__, request=request)
        log_response(
            "%s: %s",
            response.reason_phrase,
            request.path,
            response=response,
            request=request,
            exception=exception,
        )
        return response
