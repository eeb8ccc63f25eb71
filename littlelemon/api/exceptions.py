"""The API's single error shape: `{"detail": str, "code": str, "fields": {name: [messages]}}`.

Every 4xx leaves here: DRF's own exceptions, Django's Http404/PermissionDenied/ValidationError
and the domain's ApplicationError. `fields` is present for validation errors (DRF's
field-keyed shape, unchanged) and for domain errors tied to one input.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from littlelemon.core.exceptions import ApplicationError


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


def error_body(detail: str, code: str, fields: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": detail, "code": code}
    if fields:
        body["fields"] = fields
    body.update(extra)
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

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # not a client error: Django's 500 handling (and logging) takes over

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
