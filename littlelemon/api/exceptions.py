"""The API's single error shape: `{"detail": str, "code": str, "fields": {name: [messages]}, "request_id": str}`.

Every 4xx leaves here: DRF's own exceptions, Django's Http404/PermissionDenied/ValidationError,
the request-size guards (RequestDataTooBig is a 413, too many form fields a 400) and the
domain's ApplicationError. `fields` is present for validation errors (DRF's field-keyed shape,
as plain strings) and for domain errors tied to one input. The 5xx (a database that does not
answer, a bug) are shaped by littlelemon.api.middleware.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from littlelemon.core.exceptions import ApplicationError
from littlelemon.observability.requests import current_request_id


def _first_message(errors: Any, path: str = "") -> str:
    """A human summary of a (possibly nested) DRF error structure: `items[0].quantity: ...`"""
    if isinstance(errors, dict):
        for key, value in errors.items():
            if key in ("non_field_errors", "detail"):
                return _first_message(value, path)
            step = f"[{key}]" if str(key).isdigit() else (f".{key}" if path else str(key))
            return _first_message(value, path + step)
    if isinstance(errors, list) and errors:
        return _first_message(errors[0], path)
    return f"{path}: {errors}" if path else str(errors)


#: (detail, code) of the 5xx answers, shared by the middleware and Django's error handlers.
SERVER_ERROR = ("Something went wrong on our side. It has been logged.", "server_error")
SERVICE_UNAVAILABLE = (
    "The service is temporarily unavailable: its database does not answer. Try again shortly.",
    "service_unavailable",
)


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is larger than this server accepts."
    default_code = "request_too_large"


class BadRequest(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The request is malformed."
    default_code = "bad_request"


def _plain(value: Any) -> Any:
    """DRF's ErrorDetail strings (and nested containers of them) as plain str/list/dict, which
    every renderer (YAML's safe dumper included) can write."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, str):
        return str(value)
    return value


def error_body(detail: str, code: str, fields: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """The error shape, with the request's id (as in the `X-Request-ID` header and the logs) so
    that a client who reports an error hands over what finds it in the logs."""
    body: dict[str, Any] = {"detail": str(detail), "code": str(code)}
    if fields:
        body["fields"] = _plain(fields)
    body.update(_plain(extra))
    request_id = current_request_id()
    if request_id is not None:
        body["request_id"] = request_id
    return body


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        fields = {exc.field: [exc.message]} if exc.field else None
        return Response(error_body(exc.message, exc.code, fields, **exc.extra), status=exc.http_status)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    elif isinstance(exc, SuspiciousOperation):  # too many form fields or files, a bad multipart body
        exc = BadRequest(str(exc) or None)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # not a client error: littlelemon.api.middleware answers (503 or 500) and logs it

    if isinstance(exc, exceptions.ValidationError):
        data = response.data
        fields = data if isinstance(data, dict) else {"non_field_errors": data}
        response.data = error_body(_first_message(fields) or "Invalid input.", "invalid", fields)
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response

    data = response.data
    if isinstance(data, dict) and "detail" in data:
        detail, code = data["detail"], data.get("code")
        if isinstance(detail, dict):  # SimpleJWT nests {"detail", "code", "messages"}
            detail, code = detail.get("detail", ""), detail.get("code", code)
        code = code or getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = error_body(str(detail), str(code))
    else:
        response.data = error_body(_first_message(data), getattr(exc, "default_code", "error"))
    return response
