"""What the customer and staff pages' views share."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


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
