"""What the customer and staff pages' views share."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from littlelemon.core.exceptions import ApplicationError


def safe_next(request: HttpRequest) -> str:
    """The `next` page (POST or GET) if it is on this site, else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""


def htmx_fragment(request: HttpRequest) -> bool:
    """An htmx request for a fragment (not a history restore, which wants the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def run_and_say(request: HttpRequest, action: Callable[[], Any], success: str | Callable[[Any], str]) -> bool:
    """Call a service for a button that posts and redirects: its refusal (an ApplicationError)
    becomes an error message, its success the message `success` (or `success(result)`).
    True when it succeeded."""
    try:
        result = action()
    except ApplicationError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success(result) if callable(success) else success)
    return True
